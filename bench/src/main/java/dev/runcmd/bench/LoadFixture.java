package dev.runcmd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The run commands a load sweep reads: {@code rc-000} to {@code rc-199}, each a finished run of
 * {@code echo hello $NAME; seq 1 20}, so every GET, list and output replay has real rows to read. The
 * sweep's writes go to other names, one per client ({@code w-000}, ...), and leave these untouched: each
 * client replaces its own run command, as independent operators do, rather than all fighting over a few
 * rows (concurrent writes of one run command run one after another, each holding a connection).
 */
final class LoadFixture {

    static final int READ_COUNT = 200;

    private static final int SETUP_THREADS = 8;
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "TimedOut", "Canceled");

    private LoadFixture() {
    }

    static String readName(int index) {
        return String.format("rc-%03d", index);
    }

    static String writeName(int client) {
        return String.format("w-%03d", client);
    }

    /**
     * PUTs every read command from a few threads, then waits, bounded, until each has succeeded. The agent
     * runs five at once and queues the rest, so the PUTs all go out before the first wait.
     */
    static void create(ArmClient client, String machine) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SETUP_THREADS);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < READ_COUNT; i++) {
                String name = readName(i);
                puts.add(pool.submit(() -> client.put(client.runCommandPath(machine, name), body(name))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdown();
        }
        long deadline = System.nanoTime() + SETUP_TIMEOUT.toNanos();
        for (int i = 0; i < READ_COUNT; i++) {
            awaitSucceeded(client, client.runCommandPath(machine, readName(i)), deadline);
        }
    }

    private static void awaitSucceeded(ArmClient client, String path, long deadline) throws Exception {
        while (true) {
            JsonNode view = client.get(path).path("properties").path("instanceView");
            String state = view.path("executionState").asText();
            if (state.equals("Succeeded")) {
                return;
            }
            if (TERMINAL.contains(state)) {
                throw new IllegalStateException(path + " ended " + state + ": " + view);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(path + " not terminal after " + SETUP_TIMEOUT + ": " + view);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    private static ObjectNode body(String name) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", "bench");
        ObjectNode properties = body.putObject("properties");
        properties.putObject("source").put("script", "echo hello $NAME; seq 1 20");
        ObjectNode parameter = properties.putArray("parameters").addObject();
        parameter.put("name", "NAME");
        parameter.put("value", name);
        return body;
    }
}
