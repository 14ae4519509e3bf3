package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code run-command invoke} and {@code job} against a scripted API: the job body built from --targets and the
 * limits, waiting for the end (on the job's event stream, or by reading the job when the server has no stream), the
 * per-machine table and the exit code, the merged output with machine-prefixed lines, and bad targets refused before
 * any request.
 */
class RunCommandInvokeTest {

    private static final String JOBS = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/runCommandJobs";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedServer api;

    @BeforeEach
    void start() throws Exception {
        api = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void invokeSendsTheJobWaitsAndPrintsEveryTarget() throws Exception {
        api.on("PUT", JOBS + "/patch", Reply.json(201, job("Running", "{\"Pending\":3}")));
        // A server without the job output stream: the wait falls back to reading the job.
        api.on("GET", JOBS + "/patch/output", Reply.json(404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"no\"}}"));
        api.on("GET", JOBS + "/patch", Reply.json(200, job("Running", "{\"Running\":2,\"Pending\":1}")),
                Reply.json(200, job("Succeeded", "{\"Succeeded\":3}")));
        api.on("GET", JOBS + "/patch/targets", Reply.json(200, """
                {"value":[{"machine":"a","executionState":"Succeeded","exitCode":0,"executionMessage":""},
                          {"machine":"b","executionState":"Succeeded","exitCode":0,"executionMessage":""},
                          {"machine":"web-1","executionState":"Succeeded","exitCode":0,"executionMessage":""}]}"""));

        CliRun run = run("run-command", "invoke", "-n", "patch", "--targets", "tag:env=prod,role=web",
                "--targets", "machine:a,b", "--max-concurrency", "10%", "--max-errors", "1", "--script", "apt-get -y upgrade",
                "--run-as-user", "ops");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode sent = JSON.readTree(api.requests().get(0).body());
        assertEquals(JSON.readTree("""
                {"location":"local","properties":{"targets":{"machines":["a","b"],"tags":{"env":"prod","role":"web"}},
                 "maxConcurrency":"10%","maxErrors":"1","runCommand":{"source":{"script":"apt-get -y upgrade"},
                 "parameters":[],"protectedParameters":[],"timeoutInSeconds":0,"runAsUser":"ops"}}}"""), sent);
        assertTrue(run.out().matches("(?s).*\\nweb-1 +Succeeded +0 *\\n.*"), run.out());
        assertTrue(run.err().contains("Running: Pending 1, Running 2"), run.err());
        assertEquals(List.of("PUT " + JOBS + "/patch", "GET " + JOBS + "/patch/output", "GET " + JOBS + "/patch",
                "GET " + JOBS + "/patch", "GET " + JOBS + "/patch", "GET " + JOBS + "/patch/targets"), requests(),
                "polled until the job ended, then read it once more for the report");
    }

    @Test
    void waitingEndsWhenTheJobsStreamSaysItEndedWithoutPollingTheJob() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        api.on("PUT", JOBS + "/w", Reply.json(201, job("Running", "{\"Pending\":3}")));
        api.on("GET", JOBS + "/w/output", Reply.streaming(200, Map.of("Content-Type", "text/event-stream"), """
                id: 1
                event: output
                data: {"machine":"a","stream":"stdout","offset":0,"text":"patched\\n"}

                id: 2
                event: end
                data: {"machine":"a","executionState":"Succeeded","exitCode":0}

                """, events));
        api.on("GET", JOBS + "/w", Reply.json(200, job("Failed", "{\"Succeeded\":2,\"Failed\":1}")));
        api.on("GET", JOBS + "/w/targets", Reply.json(200, """
                {"value":[{"machine":"a","executionState":"Succeeded","exitCode":0},
                          {"machine":"b","executionState":"Failed","exitCode":2},
                          {"machine":"c","executionState":"Succeeded","exitCode":0}]}"""));
        ExecutorService cli = Executors.newSingleThreadExecutor();
        try {
            Future<CliRun> running = cli.submit(() -> run("run-command", "invoke", "-n", "w", "--targets",
                    "machine:a,b,c", "--script", "x"));
            Awaitility.await("the wait reads the job's output stream").atMost(Duration.ofSeconds(10))
                    .until(() -> requests().contains("GET " + JOBS + "/w/output"));
            assertFalse(requests().contains("GET " + JOBS + "/w"), "the job is not read while it runs");

            events.add("""
                    id: 3
                    event: end
                    data: {"machine":"b","executionState":"Failed","exitCode":2}

                    id: 4
                    event: end
                    data: {"machine":"c","executionState":"Succeeded","exitCode":0}

                    id: 5
                    event: done
                    data: {"provisioningState":"Failed"}

                    """);
            CliRun run = running.get(10, TimeUnit.SECONDS);

            assertEquals(ExitCodes.ERROR, run.exitCode(), run.err());
            assertEquals(List.of("PUT " + JOBS + "/w", "GET " + JOBS + "/w/output", "GET " + JOBS + "/w",
                    "GET " + JOBS + "/w/targets"), requests(), "one read of the job, after its stream said it ended");
            assertEquals(List.of("runcmd: Running: Pending 3", "runcmd: Running: 1 of 3 targets ended (Succeeded 1)",
                    "runcmd: Running: 2 of 3 targets ended (Succeeded 1, Failed 1)",
                    "runcmd: Running: 3 of 3 targets ended (Succeeded 2, Failed 1)",
                    "runcmd: job 'j' Failed: Succeeded 2, Failed 1"), run.err().lines().toList());
            assertFalse(run.out().contains("patched"), "waiting shows no output: " + run.out());
            assertTrue(run.out().matches("(?s).*\\nb +Failed +2 *\\n.*"), run.out());
        } finally {
            events.add(ScriptedServer.END);
            cli.shutdownNow();
        }
    }

    @Test
    void anyTargetNotSucceededMakesTheExitCodeNonZero() {
        api.on("PUT", JOBS + "/j", Reply.json(201, job("Running", "{}")));
        api.on("GET", JOBS + "/j", Reply.json(200, job("Failed", "{\"Succeeded\":1,\"Failed\":1}")));
        api.on("GET", JOBS + "/j/targets", Reply.json(200, """
                {"value":[{"machine":"a","executionState":"Succeeded","exitCode":0},
                          {"machine":"b","executionState":"Failed","exitCode":3}],
                 "nextLink":"%s%s/j/targets?$skipToken=x"}""".formatted(api.url(), JOBS)),
                Reply.json(200, "{\"value\":[{\"machine\":\"c\",\"executionState\":\"Canceled\"}]}"));

        CliRun run = run("run-command", "invoke", "-n", "j", "--targets", "machine:a,b,c", "--script", "x");

        assertEquals(ExitCodes.ERROR, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s).*\\nb +Failed +3 *\\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*\\nc +Canceled *\\n.*"), run.out());
    }

    @Test
    void followPrintsEachMachinesLinesWholeAndPrefixed() {
        api.on("PUT", JOBS + "/f", Reply.json(201, job("Running", "{}")));
        api.on("GET", JOBS + "/f/output", new Reply(200, Map.of("Content-Type", "text/event-stream"), """
                id: 1
                event: output
                data: {"machine":"a","stream":"stdout","offset":0,"text":"hel"}

                id: 2
                event: output
                data: {"machine":"b","stream":"stdout","offset":0,"text":"one\\ntw"}

                id: 3
                event: output
                data: {"machine":"a","stream":"stdout","offset":3,"text":"lo\\n"}

                id: 4
                event: end
                data: {"machine":"b","executionState":"Succeeded","exitCode":0}

                id: 5
                event: end
                data: {"machine":"a","executionState":"Succeeded","exitCode":0}

                id: 6
                event: done
                data: {"provisioningState":"Succeeded"}

                """));
        api.on("GET", JOBS + "/f", Reply.json(200, job("Succeeded", "{\"Succeeded\":2}")));
        api.on("GET", JOBS + "/f/targets", Reply.json(200, """
                {"value":[{"machine":"a","executionState":"Succeeded","exitCode":0},
                          {"machine":"b","executionState":"Succeeded","exitCode":0}]}"""));

        CliRun run = run("run-command", "invoke", "-n", "f", "--targets", "machine:a,b", "--script", "x", "--follow");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<String> lines = new ArrayList<>(List.of(run.out().split("\n")));
        assertEquals(List.of("b | one", "a | hello", "b | tw"), lines.subList(0, 3));
        assertTrue(run.err().contains("a | [Succeeded, exit 0]"), run.err());
    }

    @Test
    void aMalformedTargetIsAUsageErrorAndSendsNothing() {
        CliRun run = run("run-command", "invoke", "--targets", "host:a", "--script", "x");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("'host:a' is not a target"), run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void jobCancelPostsAndShowsTheJob() {
        api.on("POST", JOBS + "/j/cancel", Reply.json(200, job("Running", "{\"Canceled\":4,\"Running\":1}")));

        CliRun run = run("job", "cancel", "-n", "j");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("Running 1, Canceled 4"), run.out());
    }

    /** The requests the API received, as {@code METHOD path}, in order. */
    private List<String> requests() {
        return api.requests().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", api.url(), "--token", "t", "--subscription", "s1", "-g", "rg"));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static String job(String state, String counts) {
        return """
                {"name":"j","properties":{"provisioningState":"%s","targetCount":3,"executionStateCounts":%s,
                 "startTime":"2026-12-04T10:00:00Z"}}""".formatted(state, counts);
    }
}
