package dev.runcmd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.http.ArmException;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.EmbeddedDatabase;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Measures output ingest on the real local stack: a run command whose script writes a lot of output
 * (by default {@code head -c 1G /dev/zero}), from the script to PostgreSQL, with every byte stored.
 *
 * <p>Per run: the throughput over the execution's startTime..endTime (the gateway stamps both:
 * Started stored, Exited stored after the last Output) and over the client's wall clock (PUT until
 * GET shows a terminal state); a check in the database that every byte was stored, none dropped;
 * the CPU time of each component and how busy the machine was. At the end: the peak resident
 * memory (VmHWM) of the gateway and the agent.
 *
 * <p>Usage (RUNCMD_HOME: the checkout): {@code java -cp bench/target/bench.jar
 * dev.runcmd.bench.IngestBench [--runs N] [--script TEXT] [--cap BYTES] [--gateway KEY=VALUE]...}.
 * Defaults: 5 runs, output cap 2 GiB; {@code --gateway} passes any gateway setting. As in
 * {@link Main}, {@code BENCH_AGENT_JAVA_OPTS} replaces the agent's JVM options. After success the
 * database is deleted and the logs' directory printed.
 */
public final class IngestBench {

    private static final List<String> TERMINAL = List.of("Succeeded", "Failed", "TimedOut", "Canceled");
    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000a9e57";
    private static final AgentIdentity AGENT = new AgentIdentity(SUBSCRIPTION, "bench", "ingest-machine");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RUN_LIMIT = Duration.ofMinutes(15);

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path dataDir = Files.createTempDirectory("runcmd-ingest-");
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            run(stack, options, stack.startDatabase(Ports.free()), dataDir.resolve("postgres").toString());
        }
        deleteTree(dataDir.resolve("postgres"));
        System.out.println("Logs: " + dataDir.resolve("logs"));
    }

    /** Starts the services and an agent, measures every run, and reports the peak memory. */
    private static void run(LocalStack stack, Options options, EmbeddedDatabase database, String pgData)
            throws Exception {
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort, java.util.Map.of("runcmd.control.api.max-requests-per-second", "0"));
        LocalStack.awaitQuarkus(api, apiManagementPort);
        int gatewayPort = Ports.free();
        ComponentProcess gateway = stack.startGateway("gw-ingest", gatewayPort, gatewayHttpPort, options.gatewaySettings());
        LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
        String agentJvm = System.getenv("BENCH_AGENT_JAVA_OPTS");
        ComponentProcess agent = agentJvm == null ? stack.startAgent(AGENT, gatewayPort)
                : stack.startAgent(AGENT, gatewayPort, List.of(agentJvm.trim().split("\\s+")));
        ArmClient client = new ArmClient("http://127.0.0.1:" + apiPort, SUBSCRIPTION, "bench",
                    Credential.bearer(stack.ownerToken(), "owner"));
        await(client, client.machinePath(AGENT.machineName()), machine -> "Connected".equals(
                machine.path("status").asText()), Duration.ofSeconds(60));
        measureAll(client, options, database, List.of(gateway.pid(), agent.pid(), api.pid()), pgData);
        System.out.printf("Peak resident memory (VmHWM): gateway %.1f MiB, agent %.1f MiB%n",
                Cpu.peakRssKib(gateway.pid()) / 1024.0, Cpu.peakRssKib(agent.pid()) / 1024.0);
    }

    private static void measureAll(ArmClient client, Options options, EmbeddedDatabase database, List<Long> pids,
                                   String pgData) throws Exception {
        try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD)) {
            System.out.printf("Ingest of `%s`; gateway %s; PostgreSQL %s%n", options.script(),
                    options.gatewaySettings(), settings(sql));
            List<Double> rates = new ArrayList<>();
            for (int run = 1; run <= options.runs(); run++) {
                rates.add(measure(client, sql, run, options.script(), pids, pgData));
            }
            summarize(rates);
        }
    }

    /** The startTime..endTime rates of the runs after the first (whose JIT compilers are still busy). */
    private static void summarize(List<Double> rates) {
        List<Double> warm = rates.subList(Math.min(1, rates.size() - 1), rates.size()).stream().sorted().toList();
        System.out.printf("Runs %d..%d: median %.0f MB/s, best %.0f MB/s (startTime..endTime)%n",
                rates.size() - warm.size() + 1, rates.size(), warm.get(warm.size() / 2), warm.get(warm.size() - 1));
    }

    /** Removes the database of the runs (the stored output can be large); kept when a run failed. */
    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * One run: PUT, poll until terminal, then check and report what was stored. {@code pids} are
     * the gateway, agent and control API; PostgreSQL is the server on {@code pgData} and its children.
     */
    private static double measure(ArmClient client, Connection sql, int run, String script, List<Long> pids,
                                  String pgData) throws Exception {
        String name = "ingest-" + run;
        String path = client.runCommandPath(AGENT.machineName(), name);
        Cpu before = Cpu.snapshot(pids, pgData);
        long start = System.nanoTime();
        client.put(path, body(script));
        JsonNode view = await(client, path, properties -> TERMINAL.contains(
                properties.path("instanceView").path("executionState").asText()), RUN_LIMIT).path("instanceView");
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        Cpu used = Cpu.snapshot(pids, pgData).minus(before);
        if (!"Succeeded".equals(view.path("executionState").asText())) {
            throw new IllegalStateException("run " + run + " did not succeed: " + view);
        }
        double execSeconds = Duration.between(Instant.parse(view.path("startTime").asText()),
                Instant.parse(view.path("endTime").asText())).toNanos() / 1e9;
        Stored stored = Stored.of(sql, name);
        report(run, stored, execSeconds, wallSeconds, used);
        if (!stored.complete()) {
            throw new IllegalStateException("run " + run + " did not store everything: " + stored);
        }
        return stored.bytes() / execSeconds / 1e6;
    }

    private static void report(int run, Stored stored, double execSeconds, double wallSeconds, Cpu used) {
        System.out.printf("run %d: stored %d bytes in %d chunks (%d dropped); startTime..endTime %.2f s = %.0f MB/s;"
                        + " PUT..terminal %.2f s = %.0f MB/s%n",
                run, stored.bytes(), stored.chunks(), stored.dropped(), execSeconds, stored.bytes() / execSeconds / 1e6,
                wallSeconds, stored.bytes() / wallSeconds / 1e6);
        System.out.printf("       CPU seconds: gateway %.2f, agent %.2f, control-api %.2f, PostgreSQL %.2f,"
                        + " anything else (the script, other load) %.2f; machine busy %.0f%% of %d cores%n",
                used.seconds(0), used.seconds(1), used.seconds(2), used.seconds(3), used.otherSeconds(),
                100 * used.busyFraction(), Runtime.getRuntime().availableProcessors());
    }

    /** Polls GET {@code path} until {@code done} holds for its properties (a 404 counts as not yet). */
    private static JsonNode await(ArmClient client, String path, Predicate<JsonNode> done, Duration limit)
            throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode properties = client.get(path).path("properties");
                if (done.test(properties)) {
                    return properties;
                }
            } catch (ArmException notYet) {
                // Not created yet (the agent has not registered).
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IllegalStateException("GET " + path + " did not reach the awaited state within " + limit);
    }

    private static ObjectNode body(String script) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", "bench");
        body.putObject("properties").putObject("source").put("script", script);
        return body;
    }

    /** The server settings that decide how much a commit costs (the embedded defaults turn fsync off). */
    private static String settings(Connection sql) throws SQLException {
        try (Statement statement = sql.createStatement(); ResultSet row = statement.executeQuery("""
                select string_agg(name || '=' || setting, ', ' order by name) from pg_settings
                where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'default_toast_compression')""")) {
            row.next();
            return row.getString(1);
        }
    }

    /** The command line: how many runs, which script, and the gateway's settings (its output cap and more). */
    private record Options(int runs, String script, Map<String, String> gatewaySettings) {

        static Options parse(String[] args) {
            int runs = 5;
            String script = "head -c 1G /dev/zero";
            Map<String, String> settings = new TreeMap<>(Map.of("runcmd.gateway.output-cap", Long.toString(2L << 30)));
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (value.isEmpty() ? "" : args[i]) {
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--script" -> script = value;
                    case "--cap" -> settings.put("runcmd.gateway.output-cap", value);
                    case "--gateway" -> settings.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                    default -> throw new IllegalArgumentException("unknown option or no value: " + args[i]
                            + "; usage: [--runs N] [--script TEXT] [--cap BYTES] [--gateway KEY=VALUE]...");
                }
            }
            return new Options(runs, script, settings);
        }
    }

    /** What the database holds for a run command's current execution. */
    private record Stored(long bytes, long dropped, long chunks, long chunkBytes) {

        private static final String QUERY = """
                select e.stdout_bytes + e.stderr_bytes, e.stdout_dropped + e.stderr_dropped, count(c.*),
                       coalesce(sum(length(c.data)), 0)
                from run_command r join machine m on m.id = r.machine_id join execution e on e.id = r.current_execution_id
                     left join output_chunk c on c.execution_id = e.id
                where m.subscription_id = '%s' and m.name = '%s' and r.name = '%s' group by e.id""";

        static Stored of(Connection sql, String runCommand) throws SQLException {
            try (Statement statement = sql.createStatement();
                 ResultSet row = statement.executeQuery(QUERY.formatted(SUBSCRIPTION, AGENT.machineName(), runCommand))) {
                if (!row.next()) {
                    throw new IllegalStateException("no execution of " + runCommand);
                }
                return new Stored(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
            }
        }

        /** True when something was stored, the chunks add up to the counted bytes, and nothing was dropped. */
        boolean complete() {
            return bytes > 0 && chunkBytes == bytes && dropped == 0;
        }
    }

    /**
     * CPU time from /proc in clock ticks (USER_HZ, 100 per second on Linux): per component (utime +
     * stime; the last one is PostgreSQL, all its processes) and of the whole machine (/proc/stat).
     */
    private record Cpu(long[] ticks, long machineBusy, long machineTotal) {

        static Cpu snapshot(List<Long> pids, String pgData) throws IOException {
            long[] ticks = new long[pids.size() + 1];
            for (int i = 0; i < pids.size(); i++) {
                ticks[i] = ticks(pids.get(i));
            }
            ticks[pids.size()] = ProcessHandle.allProcesses()
                    .filter(process -> process.info().commandLine().orElse("").contains(pgData))
                    .flatMap(server -> Stream.concat(Stream.of(server), server.descendants()))
                    .mapToLong(ProcessHandle::pid).distinct().map(Cpu::ticks).sum();
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8; i++) {
                total += Long.parseLong(cpu[i]);
            }
            return new Cpu(ticks, total - Long.parseLong(cpu[4]) - Long.parseLong(cpu[5]), total);
        }

        /** utime + stime of a process, 0 if it is gone. */
        private static long ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException gone) {
                return 0;
            }
        }

        Cpu minus(Cpu earlier) {
            long[] used = new long[ticks.length];
            Arrays.setAll(used, i -> ticks[i] - earlier.ticks[i]);
            return new Cpu(used, machineBusy - earlier.machineBusy, machineTotal - earlier.machineTotal);
        }

        double seconds(int component) {
            return ticks[component] / 100.0;
        }

        /** Busy time of the machine not spent in the listed components. */
        double otherSeconds() {
            return (machineBusy - Arrays.stream(ticks).sum()) / 100.0;
        }

        double busyFraction() {
            return machineTotal == 0 ? 0 : (double) machineBusy / machineTotal;
        }

        /** VmHWM (peak resident set) of a process in KiB, or -1 if it cannot be read. */
        static long peakRssKib(long pid) throws IOException {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        }
    }
}
