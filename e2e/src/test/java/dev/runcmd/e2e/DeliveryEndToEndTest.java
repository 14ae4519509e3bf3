package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Commands reach their machines wherever the agents are connected, and wait for absent ones. */
class DeliveryEndToEndTest {

    private static Stack stack;
    private static Api api;

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
        api = stack.api();
    }

    @Test
    void commandForDisconnectedMachineWaitsAndRunsWhenTheAgentReturns() throws Exception {
        String machine = "e2e-offline";
        stack.registerOffline(machine);

        Api.Answer put = api.put(api.runCommand(machine, "queued"), body("echo ran while you were away").toString());
        assertEquals(201, put.status(), put.text());
        JsonNode waiting = api.get(api.runCommand(machine, "queued")).json();
        assertEquals("Pending", instanceView(waiting).path("executionState").asText());

        ComponentProcess back = stack.startAgent(machine, stack.gatewayPort());
        try {
            JsonNode view = instanceView(awaitTerminal(api, machine, "queued", Duration.ofSeconds(60)));
            assertEquals("Succeeded", view.path("executionState").asText());
            assertEquals("ran while you were away\n", view.path("output").asText());
        } finally {
            back.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void agentsOnTwoGatewaysBothGetTheirCommands() throws Exception {
        int grpcPort = Ports.free();
        int httpPort = Ports.free();
        ComponentProcess secondGateway = stack.local().startGateway("gw-2", grpcPort, httpPort);
        ComponentProcess agent = null;
        try {
            LocalStack.awaitQuarkus(secondGateway, httpPort);
            agent = stack.startAgent("e2e-on-gw2", grpcPort);
            stack.awaitStatus("e2e-on-gw2", "Connected");

            api.put(api.runCommand(Stack.MAIN_MACHINE, "gw1"), body("echo via gateway one").toString());
            api.put(api.runCommand("e2e-on-gw2", "gw2"), body("echo via gateway two").toString());

            JsonNode first = instanceView(awaitTerminal(api, Stack.MAIN_MACHINE, "gw1", Duration.ofSeconds(30)));
            JsonNode second = instanceView(awaitTerminal(api, "e2e-on-gw2", "gw2", Duration.ofSeconds(30)));
            assertEquals("via gateway one\n", first.path("output").asText());
            assertEquals("via gateway two\n", second.path("output").asText());
            assertEquals("Succeeded", second.path("executionState").asText());
        } finally {
            if (agent != null) {
                agent.stop(Duration.ofSeconds(10));
            }
            secondGateway.stop(Duration.ofSeconds(10));
        }
    }
}
