package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.runcmd.cli.local.ComponentProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * outputBlobUri / errorBlobUri: full output uploaded to Azurite (append blobs) and to a plain HTTP server, and an
 * Azurite upload that an agent restart (kill -9) interrupts finished by the next agent.
 */
class BlobUploadEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static final String SCRIPT = "i=0; while [ $i -lt 20000 ]; do echo \"line $i of the output\"; i=$((i+1)); done;"
            + " echo 'to stderr' >&2";

    @Test
    void fullOutputLandsInAzuriteAppendBlobsAndIsReplacedOnEachRun() throws Exception {
        Api api = Stack.get().api();
        try (Azurite azurite = Azurite.start()) {
            azurite.createContainer("runcmd-out");
            ObjectNode body = body(SCRIPT);
            ((ObjectNode) body.get("properties"))
                    .put("outputBlobUri", azurite.blobUrl("runcmd-out", "stdout.txt"))
                    .put("errorBlobUri", azurite.blobUrl("runcmd-out", "stderr.txt"));
            for (int run = 0; run < 2; run++) {
                api.put(api.runCommand(MACHINE, "to-azurite"), body.toString());
                JsonNode view = instanceView(awaitTerminal(api, MACHINE, "to-azurite", Duration.ofSeconds(60)));
                assertEquals("Succeeded", view.path("executionState").asText(), view.toString());
                assertArrayEquals(expectedStdout(), azurite.read("runcmd-out", "stdout.txt"), "run " + run);
                assertEquals("to stderr\n", new String(azurite.read("runcmd-out", "stderr.txt"), StandardCharsets.UTF_8));
                assertEquals("AppendBlob", azurite.blobType("runcmd-out", "stdout.txt"));
            }
        }
    }

    @Test
    void anAgentKilledMidScriptIsFollowedByOneThatFinishesTheAzuriteBlob() throws Exception {
        Stack stack = Stack.get();
        Api api = stack.api();
        String machine = "e2e-blob-restart";
        String lines = "i=0; while [ $i -lt 150 ]; do echo \"line $i of the output\"; i=$((i+1)); sleep 0.02; done";
        ComponentProcess agent = stack.startAgent(machine, stack.gatewayPort());
        try (Azurite azurite = Azurite.start()) {
            stack.awaitStatus(machine, "Connected");
            azurite.createContainer("runcmd-restart");
            ObjectNode body = body(lines);
            ((ObjectNode) body.get("properties")).put("outputBlobUri", azurite.blobUrl("runcmd-restart", "stdout.txt"));
            api.put(api.runCommand(machine, "across-restart"), body.toString());
            Waits.until(Duration.ofSeconds(30), "a first block in the blob",
                    () -> azurite.readOrEmpty("runcmd-restart", "stdout.txt").length > 0);

            agent.kill();
            int before = azurite.readOrEmpty("runcmd-restart", "stdout.txt").length;
            agent = stack.startAgent(machine, stack.gatewayPort());
            JsonNode view = instanceView(awaitTerminal(api, machine, "across-restart", Duration.ofSeconds(60)));

            assertEquals("Succeeded", view.path("executionState").asText(), view.toString());
            assertEquals("Execution completed", view.path("executionMessage").asText(), "no upload was cut off");
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 150; i++) {
                expected.append("line ").append(i).append(" of the output\n");
            }
            assertEquals(expected.toString(), new String(azurite.read("runcmd-restart", "stdout.txt"),
                    StandardCharsets.UTF_8));
            assertTrue(before < expected.length(), "the blob was complete before the agent was killed ("
                    + before + " bytes); the test proves nothing");
        } finally {
            agent.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void fullOutputIsPutToAPlainHttpServer() throws Exception {
        Api api = Stack.get().api();
        Map<String, byte[]> received = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.put(exchange.getRequestURI().getPath(), exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            ObjectNode body = body(SCRIPT);
            ((ObjectNode) body.get("properties")).put("outputBlobUri", base + "/out.log").put("errorBlobUri", base + "/err.log");
            api.put(api.runCommand(MACHINE, "to-http"), body.toString());
            JsonNode view = instanceView(awaitTerminal(api, MACHINE, "to-http", Duration.ofSeconds(60)));
            assertEquals("Succeeded", view.path("executionState").asText(), view.toString());
            assertArrayEquals(expectedStdout(), received.get("/out.log"));
            assertEquals("to stderr\n", new String(received.get("/err.log"), StandardCharsets.UTF_8));
        } finally {
            server.stop(0);
        }
    }

    private static byte[] expectedStdout() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            text.append("line ").append(i).append(" of the output\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
