package dev.runcmd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmException;
import java.time.Duration;

/**
 * Fan-out as users run it: one job of {@code true} over every machine of the fleet, maxConcurrency 100%, timed from
 * its PUT to the job's end; and jobs one after another for a while, as the sustained rate of run commands created and
 * completed.
 */
final class JobFanOut {

    /**
     * One job's figures.
     *
     * @param putSeconds until the PUT was answered (every run command and execution written)
     * @param endSeconds until the job had ended (every target terminal), from the PUT
     * @param succeeded targets that succeeded
     */
    record Result(double putSeconds, double endSeconds, long succeeded) {
    }

    /**
     * Jobs run back to back.
     *
     * @param jobs how many jobs ran
     * @param completed targets that ended, over all of them
     * @param seconds how long they took in all
     */
    record Sustained(int jobs, long completed, double seconds) {
    }

    private JobFanOut() {
    }

    /** Runs one job named {@code name} over machines {@code m-0 … m-(machines-1)} and waits for its end. */
    static Result once(ArmClient client, int machines, String name) throws Exception {
        String path = client.jobPath(name);
        long start = System.nanoTime();
        client.put(path, body(machines));
        double put = (System.nanoTime() - start) / 1e9;
        JsonNode job = awaitEnd(client, path);
        double end = (System.nanoTime() - start) / 1e9;
        return new Result(put, end, job.path("properties").path("executionStateCounts").path("Succeeded").asLong());
    }

    /** Runs the job {@code name} again and again over every machine for {@code duration} (the last one finishes). */
    static Sustained sustained(ArmClient client, int machines, String name, Duration duration) throws Exception {
        long start = System.nanoTime();
        int jobs = 0;
        long completed = 0;
        while (System.nanoTime() - start < duration.toNanos()) {
            String path = client.jobPath(name);
            client.put(path, body(machines));
            JsonNode counts = awaitEnd(client, path).path("properties").path("executionStateCounts");
            completed += counts.path("Succeeded").asLong() + counts.path("Failed").asLong()
                    + counts.path("TimedOut").asLong() + counts.path("Canceled").asLong();
            jobs++;
        }
        return new Sustained(jobs, completed, (System.nanoTime() - start) / 1e9);
    }

    private static JsonNode awaitEnd(ArmClient client, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode job = client.get(path);
                if (!"Running".equals(job.path("properties").path("provisioningState").asText())) {
                    return job;
                }
            } catch (ArmException busy) {
                if (busy.status() != 503 && busy.status() != 429) {
                    throw busy;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the job " + path + " did not end in 10 minutes");
    }

    private static ObjectNode body(int machines) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", "bench");
        ObjectNode properties = body.putObject("properties");
        ArrayNode names = properties.putObject("targets").putArray("machines");
        for (int i = 0; i < machines; i++) {
            names.add("m-" + i);
        }
        properties.put("maxConcurrency", "100%");
        properties.put("maxErrors", "100%");
        properties.putObject("runCommand").putObject("source").put("script", "true");
        return body;
    }
}
