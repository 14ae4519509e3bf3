package dev.runcmd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.EmbeddedDatabase;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Measures, on the real local stack: the time from PUT to the terminal state of a run command
 * running {@code true}, as a client observes it, and the resident memory of each component.
 * Usage: {@code bench/run.sh [put] [iterations]}; {@code bench/run.sh live ...} runs {@link LiveOutputBench},
 * {@code bench/run.sh load ...} runs {@link LoadSweep}, {@code bench/run.sh sessions ...} {@link SessionsBench},
 * {@code bench/run.sh fleet ...} {@link FleetBench}.
 */
public final class Main {

    private static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "TimedOut", "Canceled");
    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c";
    private static final AgentIdentity AGENT = new AgentIdentity(SUBSCRIPTION, "bench", "bench-machine");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("live")) {
            LiveOutputBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("load")) {
            LoadSweep.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("sessions")) {
            SessionsBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("cli")) {
            CliBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("fleet")) {
            FleetBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("put")) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Path dataDir = Files.createTempDirectory("runcmd-bench-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            EmbeddedDatabase database = stack.startDatabase(Ports.free());
            // The benchmark polls GET back to back: well past the per-client rate limit, which it does not measure.
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort, java.util.Map.of("runcmd.control.api.max-requests-per-second", "0"));
            LocalStack.awaitQuarkus(api, apiManagementPort);
            // The control API migrates the schema the gateway needs.
            ComponentProcess gateway = stack.startGateway("gw-bench", gatewayPort, gatewayHttpPort);
            LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
            String agentOptions = System.getenv("BENCH_AGENT_JAVA_OPTS");
            ComponentProcess agent = agentOptions == null ? stack.startAgent(AGENT, gatewayPort)
                    : stack.startAgent(AGENT, gatewayPort, List.of(agentOptions.trim().split("\\s+")));
            ArmClient client = new ArmClient("http://127.0.0.1:" + apiPort, SUBSCRIPTION, "bench",
                    Credential.bearer(stack.ownerToken(), "owner"));
            awaitConnected(client);

            Thread.sleep(10_000);
            long agentIdleRss = Memory.rssKib(agent.pid());
            long agentIdleAnon = Memory.anonymousKib(agent.pid());

            int warmup = Math.max(20, iterations / 10);
            measure(client, warmup);
            List<Double> millis = measure(client, iterations);

            Thread.sleep(10_000);
            report(iterations, millis, agentIdleRss, Memory.rssKib(agent.pid()),
                    Memory.rssKib(api.pid()), Memory.rssKib(gateway.pid()));
            System.out.printf("  agent anonymous (RssAnon) after start %.1f MiB, after the runs %.1f MiB%n",
                    agentIdleAnon / 1024.0, Memory.anonymousKib(agent.pid()) / 1024.0);
            Stages.print(database);
        }
    }

    private static List<Double> measure(ArmClient client, int count) throws Exception {
        return measure(client, AGENT.machineName(), count);
    }

    /** Runs {@code true} on {@code machine} {@code count} times, one after another; answers each PUT-to-terminal time. */
    static List<Double> measure(ArmClient client, String machine, int count) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String path = client.runCommandPath(machine, "true-" + (i % 20));
            long start = System.nanoTime();
            client.put(path, body());
            JsonNode view;
            do {
                view = client.get(path).path("properties").path("instanceView");
            } while (!TERMINAL.contains(view.path("executionState").asText()));
            millis.add((System.nanoTime() - start) / 1e6);
            if (!"Succeeded".equals(view.path("executionState").asText())) {
                throw new IllegalStateException("`true` did not succeed: " + view);
            }
        }
        return millis;
    }

    /** A run command running {@code true}. */
    static ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", "bench");
        body.putObject("properties").putObject("source").put("script", "true");
        return body;
    }

    static void awaitConnected(ArmClient client) throws Exception {
        awaitConnected(client, AGENT.machineName());
    }

    static void awaitConnected(ArmClient client, String machine) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                if ("Connected".equals(client.get(client.machinePath(machine))
                        .path("properties").path("status").asText())) {
                    return;
                }
            } catch (dev.runcmd.cli.http.ArmException notYet) {
                // not registered yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("agent did not connect");
    }

    private static void report(int iterations, List<Double> millis, long agentIdle, long agentAfter,
                               long apiRss, long gatewayRss) {
        Collections.sort(millis);
        System.out.printf("PUT -> terminal state for `true`, %d sequential runs, polling GET back to back:%n", iterations);
        System.out.printf("  median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(millis, 50), percentile(millis, 90), percentile(millis, 99), millis.get(millis.size() - 1));
        System.out.printf("Resident memory (VmRSS):%n");
        System.out.printf("  agent idle after start      %6.1f MiB%n", agentIdle / 1024.0);
        System.out.printf("  agent idle after the runs   %6.1f MiB%n", agentAfter / 1024.0);
        System.out.printf("  control-api after the runs %6.1f MiB%n", apiRss / 1024.0);
        System.out.printf("  gateway after the runs     %6.1f MiB%n", gatewayRss / 1024.0);
    }

    static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
