package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ten black-box conformance checks of the Azure reference (section 4), against the real
 * processes. {@link ValidationEndToEndTest} covers every error code in more depth, and
 * {@link BlobUploadEndToEndTest} check 6's blob half.
 */
class ArmConformanceEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static Api api;

    @BeforeAll
    static void startStack() throws Exception {
        api = Stack.get().api();
    }

    @Test
    void check1CreateIsALongRunningOperationThatReachesSucceeded() {
        Api.Answer put = api.put(api.runCommand(MACHINE, "rc1"), body("echo hi").toString());
        assertEquals(201, put.status(), put.text());
        assertEquals("Creating", put.json().path("properties").path("provisioningState").asText());
        String monitor = put.raw().headers().firstValue("Azure-AsyncOperation").orElseThrow();
        assertTrue(put.raw().headers().firstValue("Location").isPresent());
        assertTrue(put.raw().headers().firstValue("Retry-After").isPresent());

        JsonNode status = Waits.forValue(Duration.ofSeconds(30), "the operation to end", () -> {
            JsonNode body = follow(monitor).json();
            return "InProgress".equals(body.path("status").asText()) ? null : body;
        });
        assertEquals("Succeeded", status.path("status").asText());
        JsonNode done = api.get(api.runCommand(MACHINE, "rc1")).json();
        assertEquals("Succeeded", done.path("properties").path("provisioningState").asText());
        JsonNode view = instanceView(done);
        assertEquals("Succeeded", view.path("executionState").asText());
        assertEquals(0, view.path("exitCode").asInt());
        assertEquals("hi\n", view.path("output").asText());
        assertFalse(Instant.parse(view.path("endTime").asText()).isBefore(Instant.parse(view.path("startTime").asText())));
        assertEquals(200, api.put(api.runCommand(MACHINE, "rc1"), body("echo hi").toString()).status());
    }

    @Test
    void check2SecretsAreNeverEchoed() {
        ObjectNode body = body("echo \"$SECRET\" | wc -c");
        ObjectNode properties = (ObjectNode) body.get("properties");
        properties.putArray("protectedParameters").addObject().put("name", "SECRET").put("value", "hunter2-xyz");
        Api.Answer put = api.put(api.runCommand(MACHINE, "secret"), body.toString());
        JsonNode done = awaitTerminal(api, MACHINE, "secret", Duration.ofSeconds(30));
        assertEquals("12", instanceView(done).path("output").asText().trim(), "the script did not receive the value");
        for (Api.Answer answer : java.util.List.of(put, api.get(api.runCommand(MACHINE, "secret")), api.get(api.runCommands(MACHINE)))) {
            assertFalse(answer.text().contains("hunter2-xyz"), answer.text());
            assertFalse(answer.text().contains("runAsPassword"), answer.text());
        }
    }

    @Test
    void check3ScriptFailureIsNotAProvisioningFailure() {
        api.put(api.runCommand(MACHINE, "exit3"), body("echo bad >&2; exit 3").toString());
        JsonNode done = awaitTerminal(api, MACHINE, "exit3", Duration.ofSeconds(30));
        assertEquals("Succeeded", done.path("properties").path("provisioningState").asText());
        assertEquals("Failed", instanceView(done).path("executionState").asText());
        assertEquals(3, instanceView(done).path("exitCode").asInt());
        assertEquals("bad\n", instanceView(done).path("error").asText());
    }

    @Test
    void check4AsyncExecutionCompletesTheOperationWhenTheScriptStarts() {
        ObjectNode body = body("sleep 60");
        ((ObjectNode) body.get("properties")).put("asyncExecution", true);
        Api.Answer put = api.put(api.runCommand(MACHINE, "async"), body.toString());
        String monitor = put.raw().headers().firstValue("Azure-AsyncOperation").orElseThrow();
        Waits.until(Duration.ofSeconds(30), "the async operation to succeed",
                () -> "Succeeded".equals(follow(monitor).json().path("status").asText()));
        assertEquals("Running", instanceView(api.get(api.runCommand(MACHINE, "async")).json()).path("executionState").asText());
        api.delete(api.runCommand(MACHINE, "async"));

        Api.Answer sync = api.put(api.runCommand(MACHINE, "sync"), body("sleep 2").toString());
        String syncMonitor = sync.raw().headers().firstValue("Azure-AsyncOperation").orElseThrow();
        Waits.until(Duration.ofSeconds(20), "the sync run to start", () -> "Running".equals(
                instanceView(api.get(api.runCommand(MACHINE, "sync")).json()).path("executionState").asText()));
        assertEquals("InProgress", follow(syncMonitor).json().path("status").asText(), "completed before the script ended");
        awaitTerminal(api, MACHINE, "sync", Duration.ofSeconds(30));
        Waits.until(Duration.ofSeconds(10), "the sync operation to succeed",
                () -> "Succeeded".equals(follow(syncMonitor).json().path("status").asText()));
    }

    @Test
    void check5TimeoutEndsTheScriptAsTimedOut() {
        api.put(api.runCommand(MACHINE, "slow"), RunCommands.withTimeout(body("sleep 3603"), 5).toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "slow", Duration.ofSeconds(30)));
        assertEquals("TimedOut", view.path("executionState").asText());
        Duration ran = Duration.between(Instant.parse(view.path("startTime").asText()), Instant.parse(view.path("endTime").asText()));
        assertTrue(ran.toMillis() < 7000, "ran " + ran);
        assertFalse(RunCommands.processRunning("sleep 3603"));
    }

    @Test
    void check6InstanceViewOutputIsExactlyTheLast4096Bytes() {
        api.put(api.runCommand(MACHINE, "long-output"), body("i=0; while [ $i -lt 1000 ]; do printf 'line %04d\\n' $i; i=$((i+1)); done").toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "long-output", Duration.ofSeconds(30)));
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            all.append(String.format("line %04d%n", i));
        }
        assertEquals(all.substring(all.length() - 4096), view.path("output").asText());
    }

    @Test
    void check7UpdateStopsThePreviousRunAndStartsAFreshOne() {
        api.put(api.runCommand(MACHINE, "update"), body("echo first; sleep 3604").toString());
        Waits.until(Duration.ofSeconds(20), "the first run", () -> RunCommands.processRunning("sleep 3604"));
        String firstStart = instanceView(api.get(api.runCommand(MACHINE, "update")).json()).path("startTime").asText();

        assertEquals(200, api.put(api.runCommand(MACHINE, "update"), body("echo second").toString()).status());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "update", Duration.ofSeconds(30)));
        assertEquals("second\n", view.path("output").asText());
        assertNotEquals(firstStart, view.path("startTime").asText());
        Waits.until(Duration.ofSeconds(15), "the first run's process to end", () -> !RunCommands.processRunning("sleep 3604"));
    }

    @Test
    void check8DeleteWhileRunningIsAcceptedStopsTheScriptAndThenNotFound() {
        api.put(api.runCommand(MACHINE, "delete-me"), body("sleep 3605").toString());
        Waits.until(Duration.ofSeconds(20), "the script", () -> RunCommands.processRunning("sleep 3605"));
        Api.Answer delete = api.delete(api.runCommand(MACHINE, "delete-me"));
        assertEquals(202, delete.status(), delete.text());
        assertTrue(delete.raw().headers().firstValue("Location").isPresent());
        assertEquals("ResourceNotFound", api.get(api.runCommand(MACHINE, "delete-me")).errorCode());
        Waits.until(Duration.ofSeconds(15), "the script to end", () -> !RunCommands.processRunning("sleep 3605"));
        assertEquals(204, api.delete(api.runCommand(MACHINE, "delete-me")).status());
    }

    @Test
    void check9TwoRunCommandsRunConcurrentlyAndBothAreListed() {
        api.put(api.runCommand(MACHINE, "par-a"), body("sleep 2").toString());
        api.put(api.runCommand(MACHINE, "par-b"), body("sleep 2").toString());
        JsonNode a = instanceView(awaitTerminal(api, MACHINE, "par-a", Duration.ofSeconds(30)));
        JsonNode b = instanceView(awaitTerminal(api, MACHINE, "par-b", Duration.ofSeconds(30)));
        assertTrue(Instant.parse(a.path("startTime").asText()).isBefore(Instant.parse(b.path("endTime").asText()))
                && Instant.parse(b.path("startTime").asText()).isBefore(Instant.parse(a.path("endTime").asText())),
                "the runs did not overlap: " + a + " / " + b);
        String list = api.get(api.runCommands(MACHINE) + "?$top=1000").text();
        assertTrue(list.contains("\"par-a\"") && list.contains("\"par-b\""), list);
    }

    @Test
    void check10BadRequestsGetArmErrorsAndParametersFollowTheLinuxRules() {
        String noLocation = "{\"properties\":{\"source\":{\"script\":\"true\"}}}";
        assertEquals("InvalidRequestContent", api.put(api.runCommand(MACHINE, "c10-a"), noLocation).errorCode());
        assertEquals("InvalidResourceName", api.put(api.runCommand(MACHINE, "bad%21name"), body("true").toString()).errorCode());
        assertEquals("InvalidResourceName", api.put(api.runCommand(MACHINE, "x".repeat(37)), body("true").toString()).errorCode());
        String twoSources = "{\"location\":\"x\",\"properties\":{\"source\":{\"script\":\"true\",\"scriptUri\":\"http://h/s\"}}}";
        assertEquals("InvalidRequestContent", api.put(api.runCommand(MACHINE, "c10-b"), twoSources).errorCode());
        Api.Answer unknownVersion = api.raw("PUT", api.runCommand(MACHINE, "c10-c") + "?api-version=2024-07-10",
                body("true").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(400, unknownVersion.status());
        assertEquals("InvalidApiVersionParameter", unknownVersion.errorCode());

        ObjectNode parameters = body("echo \"$NAMED|$1|$2\"");
        ObjectNode properties = (ObjectNode) parameters.get("properties");
        properties.putArray("parameters").add(Api.JSON.createObjectNode().put("name", "NAMED").put("value", "n"))
                .add(Api.JSON.createObjectNode().put("name", "").put("value", "p1"));
        properties.putArray("protectedParameters").add(Api.JSON.createObjectNode().put("name", "").put("value", "s1"));
        api.put(api.runCommand(MACHINE, "c10-params"), parameters.toString());
        assertEquals("n|p1|s1\n", instanceView(awaitTerminal(api, MACHINE, "c10-params", Duration.ofSeconds(30)))
                .path("output").asText());
    }

    /** GETs an absolute URL the API handed out (it already carries the api-version). */
    private static Api.Answer follow(String absoluteUrl) {
        URI uri = URI.create(absoluteUrl);
        return api.raw("GET", uri.getRawPath() + "?" + uri.getRawQuery(), null);
    }
}
