package dev.runcmd.bench;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.EmbeddedDatabase;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * A fleet on the real local stack: N simulated agents ({@link SimulatedAgent}) in this JVM, each enrolled with its own
 * certificate and holding its own mutual-TLS stream, spread round robin over the gateways. Measures the connect
 * storm, the gateways' memory and idle CPU, PostgreSQL's connections, a fan-out of {@code true} to every machine,
 * PUT-to-terminal latency on one machine of the connected fleet, and an ssh baseline.
 * Usage: {@code bench/run.sh fleet [N] [gateways]} (default 1000 machines, 1 gateway).
 */
public final class FleetBench {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000f1ee7";
    private static final String GROUP = "fleet";
    private static final String FAN_OUT = "fan-out";
    /** Agents per gateway up to which gateways run with the local stack's heap. */
    private static final int SMALL_FLEET = 2000;
    /** The PUT fan-out goes to at most this many machines (one PUT each); the job fan-out to every machine. */
    static final int PUT_FAN_OUT_LIMIT = 2000;
    /** How long jobs over the whole fleet run back to back for the sustained rate. */
    private static final Duration SUSTAINED = Duration.ofSeconds(60);
    /** PUTs in flight at once during the fan-out. */
    static final int FAN_OUT_CONCURRENCY = 32;
    private static final int SEQUENTIAL_RUNS = 50;
    private static final Duration IDLE_CPU_WINDOW = Duration.ofSeconds(10);
    private static final Duration STORM_TIMEOUT = Duration.ofMinutes(5);

    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        int machines = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int gatewayCount = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dataDir = Files.createTempDirectory("runcmd-bench-fleet-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            EmbeddedDatabase database = stack.startDatabase(Ports.free());
            // The fan-out goes as fast as the API allows: the per-client rate limit would measure itself.
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort, Map.of("runcmd.control.api.max-requests-per-second", "0"));
            LocalStack.awaitQuarkus(api, apiManagementPort);
            List<ComponentProcess> gateways = new ArrayList<>();
            List<Integer> gatewayPorts = new ArrayList<>();
            for (int g = 0; g < gatewayCount; g++) {
                int port = Ports.free();
                int httpPort = Ports.free();
                ComponentProcess gateway = stack.startGateway("gw-fleet-" + g, port, httpPort, Map.of(),
                        gatewayJvm(machines / gatewayCount));
                LocalStack.awaitQuarkus(gateway, httpPort);
                gateways.add(gateway);
                gatewayPorts.add(port);
            }
            ArmClient client = new ArmClient("http://127.0.0.1:" + apiPort, SUBSCRIPTION, GROUP,
                    Credential.bearer(stack.ownerToken(), "owner"));
            try (FleetQueries queries = new FleetQueries(database)) {
                run(machines, gateways, gatewayPorts, client, queries);
            }
        }
        // Kept when the benchmark failed: the components' logs are in it.
        TempDirs.delete(dataDir);
    }

    private static void run(int machines, List<ComponentProcess> gateways, List<Integer> gatewayPorts, ArmClient client,
                            FleetQueries queries) throws Exception {
        FleetReport report = new FleetReport(machines, gateways.size());
        System.out.printf("Fleet: %d simulated agents over %d gateway(s), mutual TLS 1.3, one stream each%n",
                machines, gateways.size());
        long start = System.nanoTime();
        Enroller enroller = Enroller.create(client, GROUP, machines);
        try (Fleet fleet = Fleet.enroll(enroller, gatewayPorts, "m", machines)) {
            report.enrollment(seconds(start), Fleet.ENROLL_PARALLELISM);

            start = System.nanoTime();
            fleet.connect();
            double welcomed = awaitCount(fleet::welcomedCount, machines, STORM_TIMEOUT);
            double connected = awaitCount(() -> sql(() -> queries.connected(SUBSCRIPTION)), machines, STORM_TIMEOUT);
            report.connectStorm(welcomed - start / 1e9, connected - start / 1e9);
            report.stormEndings(fleet.endedCount(), fleet.endingCauses());

            for (ComponentProcess gateway : gateways) {
                double cpuBefore = ProcessCpu.seconds(gateway.pid());
                Thread.sleep(IDLE_CPU_WINDOW.toMillis());
                double busy = ProcessCpu.seconds(gateway.pid()) - cpuBefore;
                report.gatewayIdle(gateway.name(), Footprint.of(gateway.pid()),
                        100 * busy / IDLE_CPU_WINDOW.toSeconds());
            }
            report.databaseConnections(queries.connections());

            report.fanOut(fanOut(client, queries, Math.min(machines, PUT_FAN_OUT_LIMIT)));
            report.jobFanOut(JobFanOut.once(client, machines, "fleet-job"));
            report.sustained(JobFanOut.sustained(client, machines, "fleet-sustained", SUSTAINED));

            List<Double> warmup = Main.measure(client, "m-0", 10);
            List<Double> sequential = new ArrayList<>(Main.measure(client, "m-0", SEQUENTIAL_RUNS));
            Collections.sort(sequential);
            report.sequential(warmup.size(), sequential);
            SshBaseline.Result ssh = SshBaseline.measure(20, 50);
            report.ssh(ssh);
            report.ansible(ssh.ansible());
            report.streamsEnded(fleet.endedCount(), fleet.endingCauses());
            report.printTable();
        }
    }

    /**
     * The gateways' JVM options: the local stack's (256 MiB heap) up to {@value #SMALL_FLEET} agents per gateway, a
     * 1 GiB heap limit above (the budget for 10,000 agents); the heap actually used is what the report shows.
     */
    private static List<String> gatewayJvm(int agentsPerGateway) {
        return agentsPerGateway <= SMALL_FLEET ? List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xss512k")
                : List.of("-XX:+UseSerialGC", "-Xmx1g", "-Xss512k");
    }

    /** The fan-out's figures: when the PUTs were all answered, and when all executions were terminal. */
    record FanOut(double putsSeconds, double terminalSeconds, long succeeded, long terminal) {
    }

    private static FanOut fanOut(ArmClient client, FleetQueries queries, int machines) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(FAN_OUT_CONCURRENCY);
        long start = System.nanoTime();
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < machines; i++) {
                String path = client.runCommandPath("m-" + i, FAN_OUT);
                puts.add(pool.submit(() -> client.put(path, Main.body())));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double putsSeconds = seconds(start);
        double done = awaitCount(() -> sql(() -> queries.terminal(SUBSCRIPTION, FAN_OUT)[0]), machines,
                Duration.ofMinutes(5));
        long[] terminal = queries.terminal(SUBSCRIPTION, FAN_OUT);
        return new FanOut(putsSeconds, done - start / 1e9, terminal[1], terminal[0]);
    }

    /** Polls {@code count} every 20 ms until it reaches {@code target}; answers when (System.nanoTime, seconds). */
    private static double awaitCount(LongSupplier count, long target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (count.getAsLong() >= target) {
                return System.nanoTime() / 1e9;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("only " + count.getAsLong() + " of " + target + " after " + timeout);
    }

    private interface SqlCount {
        long get() throws java.sql.SQLException;
    }

    private static long sql(SqlCount count) {
        try {
            return count.get();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
