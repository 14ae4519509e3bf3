package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Output past the per-stream cap is not stored, is marked, and does not harm the script. */
class OutputCapEndToEndTest {

    private static final int CAP = 1024 * 1024;

    @Test
    void outputPastTheCapIsCutAndMarkedWhileTheScriptRunsToItsOwnExit() throws Exception {
        Stack stack = Stack.get();
        Api api = stack.api();
        int grpcPort = Ports.free();
        int httpPort = Ports.free();
        ComponentProcess gateway = stack.local().startGateway("gw-cap", grpcPort, httpPort,
                Map.of("runcmd.gateway.output-cap", Integer.toString(CAP)));
        ComponentProcess agent = null;
        try {
            LocalStack.awaitQuarkus(gateway, httpPort);
            agent = stack.startAgent("e2e-cap", grpcPort);
            stack.awaitStatus("e2e-cap", "Connected");
            String script = "head -c 3000000 /dev/zero; echo still running >&2; exit 7";
            api.put(api.runCommand("e2e-cap", "big"), body(script).toString());

            JsonNode view = instanceView(awaitTerminal(api, "e2e-cap", "big", Duration.ofSeconds(60)));
            assertEquals("Failed", view.path("executionState").asText());
            assertEquals(7, view.path("exitCode").asInt());
            assertEquals("still running\n", view.path("error").asText());
            assertTrue(view.path("executionMessage").asText().contains("truncated"), view.toString());

            Api.Answer raw = api.get(api.runCommand("e2e-cap", "big") + "/output?stream=stdout");
            assertEquals(CAP, raw.raw().body().length, "stored stdout bytes");
            assertEquals("true", raw.raw().headers().firstValue("Runcmd-Truncated").orElse(""));
            Api.Answer text = api.get(api.runCommand("e2e-cap", "big") + "/output");
            assertTrue(text.text().contains("[runcmd: stdout truncated"), "no truncation marker in the text view");
        } finally {
            if (agent != null) {
                agent.stop(Duration.ofSeconds(10));
            }
            gateway.stop(Duration.ofSeconds(10));
        }
    }
}
