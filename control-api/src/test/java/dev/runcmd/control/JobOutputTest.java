package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Jobs.awaitReleased;
import static dev.runcmd.control.Jobs.awaitState;
import static dev.runcmd.control.Jobs.body;
import static dev.runcmd.control.Jobs.job;
import static dev.runcmd.control.Jobs.machines;
import static dev.runcmd.control.OutputApi.json;
import static dev.runcmd.control.OutputApi.url;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.output.OutputHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A job's merged output ({@code GET …/runCommandJobs/{name}/output}) with output and states moved over JDBC as a
 * gateway would: events of several machines named and in order, ends and done, resume from any event without
 * loss or repetition, machine-prefixed text that never splits a line, bad tokens and callers refused. Each test
 * uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class JobOutputTest {

    @Inject
    OutputHub hub;

    @Test
    void followMergesTheTargetsNamedAndTargetsReleasedLaterJoin() throws Exception {
        String rg = "rg-jobout-follow";
        machines(rg, 2);
        put(job(rg, "tail"), body("[\"m0\",\"m1\"]", "{}", "1", "0")).statusCode(201);
        List<String> executions = awaitReleased(rg, 1);
        try (SseClient sse = followOutput(rg, "tail", "&follow=true")) {
            assertEquals(200, sse.response().statusCode());
            OutputRows.store(executions.get(0), OutputRows.STDOUT, 0, bytes("hello\n"));
            assertOutput(sse.next(10), "m0", "stdout", 0, "hello\n");
            OutputRows.end(executions.get(0), "Succeeded", 0, "");
            assertEnd(sse.next(10), "m0", "Succeeded", 0);
            executions = awaitReleased(rg, 2);
            OutputRows.store(executions.get(1), OutputRows.STDERR, 0, bytes("oops\n"));
            assertOutput(sse.next(10), "m1", "stderr", 0, "oops\n");
            OutputRows.end(executions.get(1), "Failed", 3, "exit 3");
            assertEnd(sse.next(10), "m1", "Failed", 3);
            SseClient.Event done = sse.next(20);
            assertEquals("done", done.name(), done.toString());
            assertEquals("Failed", json(done).getString("provisioningState"));
            assertNotNull(done.id());
            assertEquals(SseClient.EOF, sse.next(10));
        }
        UUID jobId = UUID.fromString(Db.queryString("select id::text from run_command_job where resource_group = ?",
                rg));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hub.followerCount(jobId) == 0);
    }

    @Test
    void endsOnlySendsEachTargetsEndAsSoonAsItEndedAndNoOutput() throws Exception {
        String rg = "rg-jobout-ends";
        machines(rg, 2);
        put(job(rg, "quiet"), body("[\"m0\",\"m1\"]", "{}", "2", "0")).statusCode(201);
        List<String> executions = awaitReleased(rg, 2);
        try (SseClient sse = followOutput(rg, "quiet", "&follow=true&endsOnly=true")) {
            assertEquals(200, sse.response().statusCode());
            OutputRows.store(executions.get(1), OutputRows.STDOUT, 0, bytes("small\n"));
            OutputRows.store(executions.get(0), OutputRows.STDOUT, 0, bytes("x".repeat(100_000) + "\n"));
            // m1's stored output is never read: its end comes at once, before m0's.
            OutputRows.end(executions.get(1), "Failed", 4, "exit 4");
            assertEnd(sse.next(10), "m1", "Failed", 4);
            OutputRows.store(executions.get(0), OutputRows.STDERR, 0, bytes("late\n"));
            OutputRows.end(executions.get(0), "Succeeded", 0, "");
            assertEnd(sse.next(10), "m0", "Succeeded", 0);
            SseClient.Event done = sse.next(20);
            assertEquals("done", done.name(), done.toString());
            assertEquals("Failed", json(done).getString("provisioningState"));
            assertEquals(SseClient.EOF, sse.next(10));
        }
        // The same job read whole still has every byte, and a bad flag is refused.
        List<SseClient.Event> all = read(url(job(rg, "quiet") + "/output"), null);
        assertEquals(5, all.stream().filter(e -> e.name().equals("output") || e.name().equals("end")).count(),
                all.toString());
        Arm.request().get(job(rg, "quiet") + "/output?endsOnly=yes").then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", containsString("endsOnly"));
    }

    @Test
    void storedOutputWakesNoReadOfAnEndsOnlyStream() throws Exception {
        String rg = "rg-jobout-ends-busy";
        machines(rg, 1);
        put(job(rg, "busy"), body("[\"m0\"]", "{}", "1", "0")).statusCode(201);
        String execution = awaitReleased(rg, 1).get(0);
        String jobId = Db.queryString("select job_id::text from run_command_job_target where execution_id::text = ?",
                execution);
        try (SseClient sse = followOutput(rg, "busy", "&follow=true&endsOnly=true")) {
            assertEquals(200, sse.response().statusCode());
            UUID job = UUID.fromString(jobId);
            UUID target = UUID.fromString(execution);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hub.followerCount(target) == 1);
            long readsBefore = hub.readsOf(job);
            long started = System.nanoTime();
            byte[] large = bytes("y".repeat(5_000));
            for (int i = 0; i < 40; i++) {
                // One commit each (tens of milliseconds apart, a connection each), so that no notification is folded
                // into another: each large chunk could cost a read.
                OutputRows.store(execution, OutputRows.STDOUT, (long) i * large.length, large);
                OutputRows.store(execution, OutputRows.STDERR, i, bytes("e"));
            }
            // Notifications arrive in commit order: once this one woke the stream, every chunk's had been taken.
            Db.queryString("select pg_notify('runcmd_output', ?)", jobId);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hub.readsOf(job) > readsBefore);
            Thread.sleep(300);
            long reads = hub.readsOf(job) - readsBefore;
            // The wake-up's read, and the safety poll of an idle follower (every second in tests).
            long allowed = 2 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(reads <= allowed, "80 stored chunks cost " + reads + " reads (" + allowed
                    + " allowed for the wake-up and safety polls); they should cost none");

            OutputRows.end(execution, "Succeeded", 0, "");
            assertEnd(sse.next(10), "m0", "Succeeded", 0);
            assertEquals("done", sse.next(20).name());
        }
    }

    @Test
    void resumingFromAnyEventLosesAndRepeatsNothing() throws Exception {
        String rg = "rg-jobout-resume";
        machines(rg, 3);
        put(job(rg, "many"), body("[\"m0\",\"m1\",\"m2\"]", "{}", "100%", "0")).statusCode(201);
        List<String> executions = awaitReleased(rg, 3);
        byte[] euro = bytes("€");
        OutputRows.store(executions.get(0), OutputRows.STDOUT, 0, bytes("a1\n"));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 0, bytes("b1 "));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 3, new byte[] {euro[0], euro[1]});
        OutputRows.store(executions.get(0), OutputRows.STDERR, 0, bytes("a-err\n"));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 5, new byte[] {euro[2], '\n'});
        OutputRows.store(executions.get(2), OutputRows.STDOUT, 0, bytes("c1\nc2\n"));
        OutputRows.store(executions.get(0), OutputRows.STDOUT, 3, bytes("a2\n"));
        for (String execution : executions) {
            OutputRows.end(execution, "Succeeded", 0, "");
        }
        awaitState(rg, "many", "Succeeded");
        List<SseClient.Event> all = read(url(job(rg, "many") + "/output"), null);
        assertEquals(List.of("output", "output", "output", "output", "output", "output", "end", "end", "end",
                "done"), all.stream().map(SseClient.Event::name).toList(), all.toString());
        assertOutput(all.get(3), "m1", "stdout", 3, "€\n");
        for (int i = 0; i < all.size(); i++) {
            List<SseClient.Event> resumed = read(url(job(rg, "many") + "/output"), all.get(i).id());
            List<SseClient.Event> expected = i == all.size() - 1 ? all.subList(i, i + 1)
                    : all.subList(i + 1, all.size());
            assertEquals(expected, resumed, "resumed after event " + i);
        }
        List<SseClient.Event> fromQuery = read(url(job(rg, "many") + "/output") + "&from=" + all.get(2).id(), null);
        assertEquals(all.subList(3, all.size()), fromQuery, "?from= resumes like Last-Event-ID");
    }

    @Test
    void textPrefixesEveryLineWithItsMachineAndNeverSplitsOne() {
        String rg = "rg-jobout-text";
        machines(rg, 2);
        put(job(rg, "lines"), body("[\"m0\",\"m1\"]", "{}", "100%", "0")).statusCode(201);
        List<String> executions = awaitReleased(rg, 2);
        OutputRows.store(executions.get(0), OutputRows.STDOUT, 0, bytes("a1\na2-par"));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 0, bytes("b1\n"));
        OutputRows.store(executions.get(0), OutputRows.STDOUT, 9, bytes("tial\n"));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 3, bytes("no newline"));
        OutputRows.end(executions.get(0), "Succeeded", 0, "");
        OutputRows.end(executions.get(1), "Failed", 2, "exit 2");
        awaitState(rg, "lines", "Failed");
        String text = Arm.request().header("Accept", "text/plain").get(job(rg, "lines") + "/output")
                .then().statusCode(200).header("Content-Type", containsString("text/plain")).extract().asString();
        assertEquals("""
                m0 | a1
                m1 | b1
                m0 | a2-partial
                m0 | [Succeeded, exit 0]
                m1 | no newline
                m1 | [Failed, exit 2: exit 2]
                [job Failed]
                """, text);
    }

    @Test
    void malformedOrForeignTokensAreRefused() {
        String rg = "rg-jobout-token";
        machines(rg, 1);
        put(job(rg, "one"), body("[\"m0\"]", "{}", "1", "0")).statusCode(201);
        put(job(rg, "two"), body("[\"m0\"]", "{}", "1", "0")).statusCode(201);
        String path = job(rg, "one") + "/output";
        Arm.request().header("Last-Event-ID", "not a token!").get(path).then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", containsString("Last-Event-ID"));
        Arm.request().queryParam("from", "AQ").get(path).then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"));
        String tokenOfTwo = Arm.request().header("Accept", "text/event-stream").get(job(rg, "two") + "/output")
                .then().statusCode(200).extract().asString().lines().filter(line -> line.startsWith("id: "))
                .findFirst().orElseThrow().substring(4);
        Arm.request().header("Last-Event-ID", tokenOfTwo).get(path).then().statusCode(400)
                .body("error.message", containsString("another job"));
        Arm.request().get(job(rg, "none") + "/output").then().statusCode(404);
    }

    @Test
    void aCallerWithoutReadOnTheJobIsRefused() {
        String rg = "rg-jobout-auth";
        machines(rg, 1);
        put(job(rg, "secret"), body("[\"m0\"]", "{}", "1", "0")).statusCode(201);
        Principals.Principal stranger = Principals.of("job-out-stranger", "Reader",
                List.of("/subscriptions/" + Arm.SUB + "/resourceGroups/rg-jobout-elsewhere"));
        CallerIdentityTest.as(stranger.token()).get(job(rg, "secret") + "/output")
                .then().statusCode(403).body("error.code", equalTo("AuthorizationFailed"))
                .body("error.message", containsString("Microsoft.HybridCompute/runCommandJobs/read"));
    }

    /** Reads the whole stored output (no follow) as events, resuming after {@code lastEventId} when given. */
    /** Opens the event stream of job {@code name} in {@code rg} with the query parameters {@code query} ("&..."). */
    private static SseClient followOutput(String rg, String name, String query) throws Exception {
        return SseClient.open(url(job(rg, name) + "/output") + query, Map.of("Accept", "text/event-stream"));
    }

    private static List<SseClient.Event> read(String url, String lastEventId) throws Exception {
        Map<String, String> headers = lastEventId == null ? Map.of("Accept", "text/event-stream")
                : Map.of("Accept", "text/event-stream", "Last-Event-ID", lastEventId);
        List<SseClient.Event> events = new ArrayList<>();
        try (SseClient sse = SseClient.open(url, headers)) {
            assertEquals(200, sse.response().statusCode());
            for (SseClient.Event event = sse.next(10); event != SseClient.EOF; event = sse.next(10)) {
                assertNotNull(event, "the stream neither ended nor sent an event");
                events.add(event);
            }
        }
        assertTrue(!events.isEmpty() && events.get(events.size() - 1).name().equals("done"), events.toString());
        return events;
    }

    private static void assertOutput(SseClient.Event event, String machine, String stream, long offset,
            String text) {
        assertNotNull(event, "no event");
        assertEquals("output", event.name(), event.toString());
        JsonPath data = json(event);
        assertEquals(machine, data.getString("machine"));
        assertEquals(stream, data.getString("stream"));
        assertEquals(offset, data.getLong("offset"));
        assertEquals(text, data.getString("text"));
        assertNotNull(event.id());
    }

    private static void assertEnd(SseClient.Event event, String machine, String state, int exitCode) {
        assertNotNull(event, "no event");
        assertEquals("end", event.name(), event.toString());
        assertEquals(machine, json(event).getString("machine"));
        assertEquals(state, json(event).getString("executionState"));
        assertEquals(exitCode, json(event).getInt("exitCode"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
