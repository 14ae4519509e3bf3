package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A run command's life through the real control API, gateway and agent. */
class RunCommandEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static Api api;

    @BeforeAll
    static void startStack() throws Exception {
        api = Stack.get().api();
    }

    @Test
    void failingScriptReportsExitCodeOutputAndError() {
        Api.Answer put = api.put(api.runCommand(MACHINE, "fails"), body("echo hello; echo oops >&2; exit 3").toString());
        assertEquals(201, put.status(), put.text());

        JsonNode done = awaitTerminal(api, MACHINE, "fails", Duration.ofSeconds(30));
        JsonNode view = instanceView(done);
        assertEquals("Failed", view.path("executionState").asText());
        assertEquals(3, view.path("exitCode").asInt());
        assertEquals("hello\n", view.path("output").asText());
        assertEquals("oops\n", view.path("error").asText());
        assertEquals("Succeeded", done.path("properties").path("provisioningState").asText());
        Instant start = Instant.parse(view.path("startTime").asText());
        Instant end = Instant.parse(view.path("endTime").asText());
        assertFalse(end.isBefore(start), "startTime " + start + " must not be after endTime " + end);
    }

    @Test
    void outputIsStoredWhileTheScriptStillRuns() {
        api.put(api.runCommand(MACHINE, "streams"), body("echo a; sleep 3; echo b").toString());

        JsonNode seenA = Waits.forValue(Duration.ofSeconds(20), "output a", () -> {
            JsonNode view = instanceView(api.get(api.runCommand(MACHINE, "streams")).json());
            return view.path("output").asText().contains("a") ? view : null;
        });
        assertEquals("a\n", seenA.path("output").asText(), "b must not be printed yet when a is stored");
        assertEquals("Running", seenA.path("executionState").asText());

        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "streams", Duration.ofSeconds(30)));
        assertEquals("a\nb\n", view.path("output").asText());
        assertEquals("Succeeded", view.path("executionState").asText());
    }

    @Test
    void namedAndProtectedParametersReachTheScriptAndSecretsAreNeverEchoed() throws Exception {
        String secret = "s3cr3t-" + System.nanoTime();
        ObjectNode body = body("printf 'named=%s first=%s token-sha=' \"$GREETING\" \"$1\"; printf %s \"$TOKEN\" | sha256sum");
        ObjectNode properties = (ObjectNode) body.get("properties");
        properties.putArray("parameters").add(parameter("GREETING", "hello")).add(parameter("", "positional"));
        properties.putArray("protectedParameters").add(parameter("TOKEN", secret));

        Api.Answer put = api.put(api.runCommand(MACHINE, "params"), body.toString());
        assertEquals(201, put.status(), put.text());
        JsonNode done = awaitTerminal(api, MACHINE, "params", Duration.ofSeconds(30));

        assertEquals("named=hello first=positional token-sha=" + sha256(secret) + "  -\n",
                instanceView(done).path("output").asText());
        Api.Answer get = api.get(api.runCommand(MACHINE, "params"));
        Api.Answer list = api.get(api.runCommands(MACHINE));
        for (Api.Answer answer : java.util.List.of(put, get, list)) {
            assertFalse(answer.text().contains(secret), "a response echoes the protected value: " + answer.text());
        }
        assertEquals(0, get.json().path("properties").path("protectedParameters").size());
        assertEquals("GREETING", get.json().path("properties").path("parameters").path(0).path("name").asText());
    }

    private static ObjectNode parameter(String name, String value) {
        return Api.JSON.createObjectNode().put("name", name).put("value", value);
    }

    private static String sha256(String text) throws java.security.NoSuchAlgorithmException {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest);
    }

    @Test
    void timeoutEndsTheWholeProcessTree() {
        String marker = "3601";
        api.put(api.runCommand(MACHINE, "timeout"),
                RunCommands.withTimeout(body("sleep " + marker + " & sleep " + marker), 2).toString());

        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "timeout", Duration.ofSeconds(30)));
        assertEquals("TimedOut", view.path("executionState").asText());
        Duration ran = Duration.between(Instant.parse(view.path("startTime").asText()),
                Instant.parse(view.path("endTime").asText()));
        assertTrue(ran.compareTo(Duration.ofSeconds(5)) < 0, "ended " + ran + " after start, expected within 5 s");
        assertFalse(RunCommands.processRunning("sleep " + marker), "a process of the timed-out tree is still running");
    }

    @Test
    void deleteStopsTheRunningScriptAndRemovesTheResource() {
        String marker = "3602";
        api.put(api.runCommand(MACHINE, "doomed"), body("echo started; sleep " + marker).toString());
        Waits.until(Duration.ofSeconds(20), "doomed to start", () ->
                instanceView(api.get(api.runCommand(MACHINE, "doomed")).json()).path("output").asText().contains("started"));
        assertTrue(RunCommands.processRunning("sleep " + marker));

        Api.Answer delete = api.delete(api.runCommand(MACHINE, "doomed"));
        assertTrue(delete.status() == 200 || delete.status() == 202, "DELETE answered " + delete.status());

        Api.Answer get = api.get(api.runCommand(MACHINE, "doomed"));
        assertEquals(404, get.status());
        assertEquals("ResourceNotFound", get.errorCode());
        Waits.until(Duration.ofSeconds(15), "the deleted script's process to end",
                () -> !RunCommands.processRunning("sleep " + marker));
        assertEquals(204, api.delete(api.runCommand(MACHINE, "doomed")).status());
    }
}
