package dev.runcmd.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which answers the client retries, after how long, and what --verbose shows of it; a refused connection is tried
 * again until a server listens.
 */
class RetryPolicyTest {

    private static final String RUN_COMMAND =
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1/runCommands/rc";
    private static final String UNAVAILABLE = "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"shedding load\"}}";

    private ScriptedServer server;
    private final ByteArrayOutputStream trace = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void getAnswered503WithRetryAfterIsSentAgainAfterThatDelay() throws Exception {
        server.on("GET", RUN_COMMAND, unavailable("1"), Reply.json(200, "{\"name\":\"rc\"}"));

        long started = System.nanoTime();
        String name = client().get(RUN_COMMAND).path("name").asText();

        assertEquals("rc", name);
        assertEquals(2, server.requests().size());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(950)) >= 0,
                "the retry did not wait for Retry-After: 1");
        String shown = trace.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("HTTP 503; retry 1 of 4 in 1000 ms"), shown);
    }

    @Test
    void postAnswered429IsSentAgain() throws Exception {
        server.on("POST", RUN_COMMAND + "/cancel", new Reply(429, Map.of("Retry-After", "0",
                "Content-Type", "application/json"), "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}"),
                Reply.json(200, "{\"canceled\":true}"));

        ArmClient.Answer answer = client().post(RUN_COMMAND + "/cancel");

        assertEquals(200, answer.status());
        assertEquals(2, server.requests().size());
    }

    @Test
    void patchAnswered503IsNotSentAgain() throws Exception {
        server.on("PATCH", RUN_COMMAND, unavailable("0"), Reply.json(200, "{}"));

        ArmException refused = assertThrows(ArmException.class,
                () -> client().patch(RUN_COMMAND, JsonNodeFactory.instance.objectNode()));

        assertEquals("ServiceUnavailable (HTTP 503): shedding load", refused.toString());
        assertEquals(1, server.requests().size());
    }

    @Test
    void attemptsAreBoundedAndTheLastErrorIsReported() throws Exception {
        server.on("GET", RUN_COMMAND, unavailable("0"));

        ArmException refused = assertThrows(ArmException.class, () -> client().get(RUN_COMMAND));

        assertEquals(503, refused.status());
        assertEquals(RetryPolicy.MAX_ATTEMPTS, server.requests().size());
    }

    @Test
    void aStreamAnswered503IsOpenedAgain() throws Exception {
        server.on("GET", RUN_COMMAND + "/output", unavailable("0"),
                new Reply(200, Map.of("Content-Type", "text/event-stream"), "event: end\ndata: {}\n\n"));

        try (InputStream stream = client().openStream(RUN_COMMAND + "/output?follow=true", null)) {
            assertEquals("event: end\ndata: {}\n\n", new String(stream.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(2, server.requests().size());
    }

    @Test
    void aGetToAPortNobodyListensOnYetSucceedsOnceAServerListensThere() throws Exception {
        int port = ScriptedServer.freePort();
        ArmClient early = client("http://127.0.0.1:" + port);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<JsonNode> answer = caller.submit(() -> early.get(RUN_COMMAND));
            Awaitility.await("the first attempt to be refused").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> trace.toString(StandardCharsets.UTF_8).contains("ConnectException"));
            try (ScriptedServer late = ScriptedServer.start(port,
                    routes -> routes.on("GET", RUN_COMMAND, Reply.json(200, "{\"name\":\"rc\"}")))) {
                assertEquals("rc", answer.get(30, TimeUnit.SECONDS).path("name").asText());
                assertEquals(1, late.requests().size(), "the server got the one attempt made after it listened");
            }
        } finally {
            caller.shutdownNow();
        }
        String shown = trace.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("retry 1 of 4"), shown);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertEquals(Duration.ofSeconds(7), RetryPolicy.parseRetryAfter(" 7 ").orElseThrow());
        assertEquals(Duration.ZERO, RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT").orElseThrow());
        assertFalse(RetryPolicy.parseRetryAfter("soon").isPresent());
    }

    private ArmClient client() {
        return client(server.url());
    }

    private ArmClient client(String endpoint) {
        Connection connection = new Connection(endpoint, Credential.none(), Transport.httpClient(null), "corr-1",
                new PrintStream(trace, true, StandardCharsets.UTF_8));
        return new ArmClient(connection, "s1", "rg");
    }

    private static Reply unavailable(String retryAfter) {
        return new Reply(503, Map.of("Retry-After", retryAfter, "Content-Type", "application/json"), UNAVAILABLE);
    }
}
