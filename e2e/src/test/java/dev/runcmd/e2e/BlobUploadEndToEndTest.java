package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** outputBlobUri / errorBlobUri: full output uploaded to Azurite (append blobs) and to a plain HTTP server. */
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
