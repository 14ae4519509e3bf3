package dev.runcmd.bench;

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
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.StreamOutputRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Live output on the real local stack, after a 256 MiB warm-up through the whole path: (1) latency from a script
 * printing a line to a gRPC follower receiving it; (2) sustained throughput of {@code head -c 1G /dev/zero} from the
 * script to a following client with every byte stored, with the CPU time of every part (control API, gateway, agent,
 * the script, PostgreSQL's processes, the follower) and the peak memory of the services; (3) the same script's lines
 * and bytes over ssh (a private sshd on loopback, a new connection) in the same run. {@code BENCH_AGENT_JVM} replaces
 * the agent's JVM options; {@code BENCH_PG_STATEMENTS=1} also prints PostgreSQL's busiest statements.
 * Usage: {@code bench/run.sh live [lines] [bytes]}.
 */
public final class LiveOutputBench {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c";
    private static final AgentIdentity AGENT = new AgentIdentity(SUBSCRIPTION, "bench", "bench-live");
    private static final long CAP = 4L * 1024 * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        long bytes = args.length > 1 ? Long.parseLong(args[1]) : 1L << 30;
        Path dataDir = Files.createTempDirectory("runcmd-bench-live-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            boolean statements = "1".equals(System.getenv("BENCH_PG_STATEMENTS"));
            EmbeddedDatabase database = stack.startDatabase(Ports.free(), statements
                    ? Map.of("shared_preload_libraries", "pg_stat_statements",
                            "pg_stat_statements.track_planning", "on")
                    : Map.of());
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort,
                    Map.of("runcmd.control.api.max-requests-per-second", "0"));
            LocalStack.awaitQuarkus(api, apiManagementPort);
            ComponentProcess gateway = stack.startGateway("gw-bench", gatewayPort, gatewayHttpPort,
                    Map.of("runcmd.gateway.output-cap", Long.toString(CAP)));
            LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
            ComponentProcess agent = stack.startAgent(AGENT, gatewayPort, agentJvm());
            ArmClient client = new ArmClient("http://127.0.0.1:" + apiPort, SUBSCRIPTION, "bench",
                    Credential.bearer(stack.ownerToken(), "owner"));
            Main.awaitConnected(client, AGENT.machineName());
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", apiPort).usePlaintext()
                    .intercept(bearer(stack.ownerToken())).maxInboundMessageSize(16 * 1024 * 1024).build();
            long postmaster = postmasterPid(dataDir);
            if (statements) {
                try (Connection connection = DriverManager.getConnection(database.jdbcUrl(),
                        EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)) {
                    connection.createStatement().execute("create extension if not exists pg_stat_statements");
                }
            }
            try {
                warmUp(client, channel);
                latency(client, channel, lines);
                throughput(client, channel, bytes, api, gateway, agent, postmaster);
                chunks(database, statements);
            } finally {
                channel.shutdownNow();
            }
        }
        SshBaseline.withServer(command -> {
            sshLatency(command, lines);
            sshThroughput(command, bytes);
            return Boolean.TRUE;
        });
    }

    /** The agent's JVM options: the local stack's, or {@code BENCH_AGENT_JVM} (space-separated) to compare others. */
    private static List<String> agentJvm() {
        String options = System.getenv("BENCH_AGENT_JVM");
        return options == null || options.isBlank() ? LocalStack.AGENT_JVM : List.of(options.trim().split("\\s+"));
    }

    private static String stampScript(int lines) {
        return "sleep 1; i=0; while [ $i -lt " + lines + " ]; do date +%s%N; sleep 0.02; i=$((i+1)); done";
    }

    private static void latency(ArmClient client, ManagedChannel channel, int lines) throws Exception {
        client.put(client.runCommandPath(AGENT.machineName(), "latency"), body(stampScript(lines)));
        List<Double> millis = new ArrayList<>();
        StringBuilder partial = new StringBuilder();
        Iterator<OutputEvent> events = follow(channel, "latency");
        while (events.hasNext()) {
            OutputEvent event = events.next();
            if (!event.hasChunk()) {
                continue;
            }
            long now = epochNanos();
            partial.append(event.getChunk().getData().toString(StandardCharsets.US_ASCII));
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                millis.add((now - Long.parseLong(partial.substring(0, newline).trim())) / 1e6);
                partial.delete(0, newline + 1);
            }
        }
        report("Line latency, script prints -> gRPC follower receives", millis);
    }

    private static void report(String what, List<Double> millis) {
        Collections.sort(millis);
        System.out.printf("%s (%d lines, 20 ms apart):%n", what, millis.size());
        System.out.printf("  median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", Main.percentile(millis, 50),
                Main.percentile(millis, 90), Main.percentile(millis, 99), millis.get(millis.size() - 1));
    }

    /** The same script over ssh (a new connection), its lines read from ssh's stdout by this process. */
    private static void sshLatency(List<String> sshTrue, int lines) throws Exception {
        Process ssh = ssh(sshTrue, stampScript(lines));
        List<Double> millis = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(ssh.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                long now = epochNanos();
                millis.add((now - Long.parseLong(line.trim())) / 1e6);
            }
        }
        ssh.waitFor();
        report("ssh: line latency, script prints -> ssh client's stdout read here", millis);
    }

    /** {@code head -c BYTES /dev/zero} over ssh, read from ssh's stdout by this process. */
    private static void sshThroughput(List<String> sshTrue, long bytes) throws Exception {
        Process ssh = ssh(sshTrue, "head -c " + bytes + " /dev/zero");
        byte[] buffer = new byte[1 << 16];
        long received = 0;
        long first = 0;
        try (InputStream in = ssh.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (first == 0) {
                    first = System.nanoTime();
                }
                received += n;
            }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        ssh.waitFor();
        System.out.printf(
                "ssh: head -c %d /dev/zero -> ssh client's stdout read here: %d bytes in %.2f s = %.0f MB/s%n",
                bytes, received, seconds, received / seconds / 1e6);
    }

    private static Process ssh(List<String> sshTrue, String script) throws IOException {
        List<String> command = new ArrayList<>(sshTrue.subList(0, sshTrue.size() - 1));
        command.add(script);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static void throughput(ArmClient client, ManagedChannel channel, long bytes, ComponentProcess api,
                                   ComponentProcess gateway, ComponentProcess agent, long postmaster) throws Exception {
        double[] before = cpu(api, gateway, agent, postmaster);
        client.put(client.runCommandPath(AGENT.machineName(), "zeros"), body("head -c " + bytes + " /dev/zero"));
        Iterator<OutputEvent> events = follow(channel, "zeros");
        long received = 0;
        long first = 0;
        String state = "?";
        while (events.hasNext()) {
            OutputEvent event = events.next();
            if (event.hasChunk()) {
                if (first == 0) {
                    first = System.nanoTime();
                }
                received += event.getChunk().getData().size();
            } else if (event.hasEnd()) {
                state = event.getEnd().getExecutionState();
            }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        double[] after = cpu(api, gateway, agent, postmaster);
        System.out.printf("Throughput, head -c %d /dev/zero -> stored -> gRPC follower: %d bytes in %.2f s = %.0f MB/s (%s)%n",
                bytes, received, seconds, received / seconds / 1e6, state);
        System.out.printf("  peak RSS (VmHWM): control-api %.0f MiB, gateway %.0f MiB, agent %.0f MiB%n",
                Memory.peakKib(api.pid()) / 1024.0, Memory.peakKib(gateway.pid()) / 1024.0, Memory.peakKib(agent.pid()) / 1024.0);
        String[] names = {"control API", "gateway", "agent", "script (head and its shell)", "PostgreSQL",
            "follower (this process)"};
        StringBuilder line = new StringBuilder("  CPU seconds during it:");
        double total = 0;
        for (int i = 0; i < names.length; i++) {
            double used = after[i] - before[i];
            total += used;
            line.append(String.format(" %s %.1f,", names[i], used));
        }
        System.out.println(line.append(String.format(" total %.1f (%.1f cores over %.1f s)", total, total / seconds,
                seconds)));
    }

    /** How the throughput run's output was stored: chunks and their sizes. */
    private static void chunks(EmbeddedDatabase database, boolean statements)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(),
                EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
             ResultSet row = connection.createStatement().executeQuery("""
                     select count(*), avg(length(c.data)), pg_total_relation_size('output_chunk')
                     from output_chunk c join execution e on e.id = c.execution_id
                     where e.run_command_name = 'zeros'""")) {
            row.next();
            if (statements) {
                topStatements(connection);
            }
            System.out.printf("  stored as %d chunks of %.1f KiB on average; output_chunk takes %d MiB on disk%n",
                    row.getLong(1), row.getDouble(2) / 1024, row.getLong(3) >> 20);
        }
    }

    /** The statements PostgreSQL spent the most time in, over the whole run (BENCH_PG_STATEMENTS=1). */
    private static void topStatements(Connection connection) throws SQLException {
        try (ResultSet top = connection.createStatement().executeQuery("""
                select calls, total_exec_time, rows, plans, total_plan_time,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 80)
                from pg_stat_statements order by total_exec_time + total_plan_time desc limit 8""")) {
            System.out.println("  PostgreSQL's busiest statements (whole run, warm-up included):");
            while (top.next()) {
                long plans = top.getLong(4);
                System.out.printf("    %7d calls, %7.0f ms, %6.3f ms a call, %8d rows; planned %d times, %.3f ms"
                        + " a plan: %s%n", top.getLong(1), top.getDouble(2), top.getDouble(2) / top.getLong(1),
                        top.getLong(3), plans, plans == 0 ? 0 : top.getDouble(5) / plans, top.getString(6));
            }
        }
    }

    /** CPU seconds so far of each part, in the order of the throughput report's names. */
    private static double[] cpu(ComponentProcess api, ComponentProcess gateway, ComponentProcess agent,
                                long postmaster) throws IOException {
        return new double[] {ProcessCpu.seconds(api.pid()), ProcessCpu.seconds(gateway.pid()),
            ProcessCpu.seconds(agent.pid()), ProcessCpu.endedChildrenSeconds(agent.pid()),
            ProcessCpu.treeSeconds(postmaster), ProcessCpu.seconds(ProcessHandle.current().pid())};
    }

    /** The postmaster's pid, the first line of postmaster.pid in the cluster's directory. */
    private static long postmasterPid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }

    /**
     * Sends 256 MiB, then 3,000 short lines a millisecond or two apart, through the whole path, followed, before
     * anything is measured: the services are long-lived processes, so what counts is their compiled steady state on
     * both paths (large chunks read back from the store, small ones delivered from their notifications), not their
     * first seconds in the interpreter.
     */
    private static void warmUp(ArmClient client, ManagedChannel channel) throws Exception {
        long started = System.nanoTime();
        followToEnd(client, channel, "warm-up", "head -c 268435456 /dev/zero");
        followToEnd(client, channel, "warm-up-lines", "i=0; while [ $i -lt 3000 ]; do echo $i; sleep 0.001; "
                + "i=$((i+1)); done");
        System.out.printf("Warm-up: 256 MiB and 3,000 lines through the whole path in %.1f s, not counted%n",
                (System.nanoTime() - started) / 1e9);
    }

    private static void followToEnd(ArmClient client, ManagedChannel channel, String name, String script)
            throws Exception {
        client.put(client.runCommandPath(AGENT.machineName(), name), body(script));
        Iterator<OutputEvent> events = follow(channel, name);
        while (events.hasNext()) {
            events.next();
        }
    }

    private static Iterator<OutputEvent> follow(ManagedChannel channel, String name) {
        return RunCommandsGrpc.newBlockingStub(channel).streamOutput(StreamOutputRequest.newBuilder()
                .setMachine(MachineRef.newBuilder().setSubscriptionId(SUBSCRIPTION).setResourceGroup("bench")
                        .setMachineName(AGENT.machineName()))
                .setName(name).setFollow(true).build());
    }

    private static ObjectNode body(String script) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", "bench");
        body.putObject("properties").putObject("source").put("script", script);
        return body;
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Sends {@code token} as the authorization metadata of every call. */
    private static io.grpc.ClientInterceptor bearer(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
