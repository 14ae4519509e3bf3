package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmException;
import dev.runcmd.cli.http.JobFollower;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Waits for a fan-out job to end, as {@code run-command invoke} does without {@code --follow}. It follows the job's
 * event stream without output ({@code /output?follow=true&endsOnly=true}, Server-Sent Events), whose {@code done}
 * event comes the moment the job ends, telling the progress from each target's {@code end} event when {@code live};
 * no target's output is downloaded. When the server has no such stream (400, 404, 405, 406 or 501 on it) or it keeps
 * failing, it polls the job instead, backing off from 200 ms to 2 s.
 */
final class JobWait {

    /** Answers of a server that cannot stream the job's ends (400: one without {@code endsOnly}): poll instead. */
    private static final Set<Integer> NO_STREAM = Set.of(400, 404, 405, 406, 501);
    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration LAST_POLL = Duration.ofSeconds(2);

    private JobWait() {
    }

    /**
     * Waits for the end of the job at {@code path}, which answered {@code accepted} to its PUT; tells its progress
     * on stderr when {@code live}.
     */
    static void await(ArmClient client, String path, JsonNode accepted, boolean live) throws Exception {
        JsonNode properties = accepted.path("properties");
        if (live) {
            System.err.println("runcmd: " + JobCommand.progress(properties));
        }
        Ends ends = new Ends(properties.path("targetCount").asInt(0), live);
        try {
            new JobFollower(client).followEnds(path, ends);
            return;
        } catch (ArmException e) {
            if (!NO_STREAM.contains(e.status())) {
                throw e;
            }
        } catch (IOException streamFailed) {
            if (live) {
                System.err.println("runcmd: the job's output stream failed (" + streamFailed.getMessage()
                        + "); polling");
            }
        }
        poll(client, path, live);
    }

    /** Reads the job until it no longer runs, backing off; tells each new progress when {@code live}. */
    private static void poll(ArmClient client, String path, boolean live) throws Exception {
        String told = "";
        Duration pause = FIRST_POLL;
        while (true) {
            JsonNode properties = client.get(path).path("properties");
            String progress = JobCommand.progress(properties);
            if (live && !progress.equals(told)) {
                System.err.println("runcmd: " + progress);
                told = progress;
            }
            if (!"Running".equals(properties.path("provisioningState").asText())) {
                return;
            }
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(LAST_POLL) > 0 ? LAST_POLL : pause.multipliedBy(2);
        }
    }

    /**
     * Counts the targets that ended (the stream carries no output), telling the count on stderr when {@code live}, e.g.
     * {@code Running: 2 of 3 targets ended (Succeeded 1, Failed 1)}. Called on the following thread only.
     */
    private static final class Ends implements JobFollower.Listener {
        private final int targets;
        private final boolean live;
        private final Map<String, String> stateByMachine = new HashMap<>();

        Ends(int targets, boolean live) {
            this.targets = targets;
            this.live = live;
        }

        @Override
        public void output(String machine, boolean stderr, String text) {
            // An ends-only stream has none; waiting shows no output (`runcmd job logs` or --follow do).
        }

        @Override
        public void ended(String machine, String state, int exitCode, String message) {
            stateByMachine.put(machine, state);
            if (live) {
                System.err.println("runcmd: Running: " + stateByMachine.size() + " of " + targets
                        + " targets ended (" + counts() + ")");
            }
        }

        private String counts() {
            List<String> parts = new ArrayList<>();
            for (String state : JobCommand.STATES) {
                long count = stateByMachine.values().stream().filter(state::equals).count();
                if (count > 0) {
                    parts.add(state + " " + count);
                }
            }
            return String.join(", ", parts);
        }
    }
}
