package dev.runcmd.bench;

import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run.sh cli [runs]}: the wall and CPU time of {@code runcmd run-command create --script true} (waiting
 * for the end) as a user types it, beside {@code ssh 127.0.0.1 true} over a new connection to a private sshd, in the
 * same run on the same machine. The CLI is timed as the {@code runcmd} script starts it: with the build's
 * class-data-sharing archive, without it, and, when a JDK 25 is installed ({@code BENCH_JDK25}, default
 * {@code /usr/lib/jvm/temurin-25-jdk-amd64}), with a JDK 25 AOT cache made from the same training run. CPU is user +
 * system of the process and its children ({@code /usr/bin/time}), wall is the parent's clock; medians.
 */
final class CliBench {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000c11b";
    private static final AgentIdentity AGENT = new AgentIdentity(SUBSCRIPTION, "bench", "cli-machine");

    /** Median wall and CPU time of one variant, in ms. */
    record Timing(String variant, double wallMillis, double cpuMillis, int runs) {}

    private CliBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path home = Path.of(System.getenv().getOrDefault("RUNCMD_HOME", ".")).toAbsolutePath().normalize();
        Path dataDir = Files.createTempDirectory("runcmd-bench-cli-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        Map<String, Timing> timings = new LinkedHashMap<>();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            stack.startDatabase(Ports.free());
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort,
                    Map.of("runcmd.control.api.max-requests-per-second", "0"));
            LocalStack.awaitQuarkus(api, apiManagementPort);
            ComponentProcess gateway = stack.startGateway("gw-cli", gatewayPort, gatewayHttpPort);
            LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
            stack.startAgent(AGENT, gatewayPort);
            Map<String, String> environment = Map.of("RUNCMD_ENDPOINT", "http://127.0.0.1:" + apiPort,
                    "RUNCMD_TOKEN", stack.ownerToken(), "RUNCMD_SUBSCRIPTION_ID", SUBSCRIPTION,
                    "RUNCMD_RESOURCE_GROUP", "bench", "RUNCMD_MACHINE_NAME", AGENT.machineName());
            Path runcmd = home.resolve("runcmd");
            awaitMachine(runcmd, environment);

            Path archive = home.resolve("cli/target/cli.jsa");
            if (Files.isRegularFile(archive)) {
                timings.put("cds", measure("runcmd, CDS archive (JDK 17)", create(runcmd), environment, runs));
            }
            Map<String, String> noCds = new LinkedHashMap<>(environment);
            noCds.put("RUNCMD_CDS", "off");
            timings.put("plain", measure("runcmd, no archive (JDK 17)", create(runcmd), noCds, runs));

            Path jdk25 = Path.of(System.getenv().getOrDefault("BENCH_JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
            if (Files.isExecutable(jdk25.resolve("bin/java"))) {
                Path cache = dataDir.resolve("cli-25.aot");
                Path jar = home.resolve("cli/target/cli.jar");
                int made = run(List.of(jdk25.resolve("bin/java").toString(), "-XX:AOTCacheOutput=" + cache,
                        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", jar.toString(),
                        "dev.runcmd.cli.CdsTraining"), Map.of());
                if (made == 0 && Files.isRegularFile(cache)) {
                    Map<String, String> aot = new LinkedHashMap<>(noCds);
                    aot.put("RUNCMD_JAVA", jdk25.resolve("bin/java").toString());
                    aot.put("RUNCMD_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:AOTCache=" + cache
                            + " -Xlog:aot=off -Xlog:cds=off");
                    timings.put("aot", measure("runcmd, AOT cache (JDK 25)", create(runcmd), aot, runs));
                } else {
                    System.out.println("JDK 25 AOT cache not made (exit " + made + ")");
                }
            }
            SshBaseline.withServer(command -> {
                timings.put("ssh", measure("ssh 127.0.0.1 true (new connection)", command, Map.of(), runs));
                return null;
            });
        } finally {
            TempDirs.delete(dataDir);
        }
        System.out.println();
        System.out.printf("%-40s %10s %10s %6s%n", "", "wall ms", "CPU ms", "runs");
        timings.values().forEach(t -> System.out.printf("%-40s %10.1f %10.1f %6d%n", t.variant(), t.wallMillis(),
                t.cpuMillis(), t.runs()));
        Timing ssh = timings.get("ssh");
        if (ssh != null) {
            timings.values().stream().filter(t -> t != ssh).forEach(t -> System.out.printf(
                    "%-40s %9.2fx %9.2fx  of ssh%n", t.variant(), t.wallMillis() / ssh.wallMillis(),
                    t.cpuMillis() / ssh.cpuMillis()));
        }
    }

    private static int counter;

    /** A new run command each time, so that every run is a real PUT, a delivery and a wait for the end. */
    private static List<String> create(Path runcmd) {
        return List.of(runcmd.toString(), "run-command", "create", "--name", "cli-bench-%d", "--script", "true");
    }

    private static Timing measure(String variant, List<String> template, Map<String, String> environment, int runs)
            throws Exception {
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int i = -2; i < runs; i++) { // two untimed warm-up runs
            Path times = Files.createTempFile("runcmd-bench-time-", ".txt");
            try {
                List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString()));
                template.forEach(part -> command.add(part.contains("%d") ? String.format(part, counter++) : part));
                long start = System.nanoTime();
                int exit = run(command, environment);
                double millis = (System.nanoTime() - start) / 1e6;
                if (exit != 0) {
                    throw new IllegalStateException(variant + ": exit code " + exit + " from " + command);
                }
                if (i >= 0) {
                    String[] userSystem = Files.readString(times).strip().split("\\s+");
                    wall.add(millis);
                    cpu.add((Double.parseDouble(userSystem[0]) + Double.parseDouble(userSystem[1])) * 1000);
                }
            } finally {
                Files.deleteIfExists(times);
            }
        }
        Timing timing = new Timing(variant, SshBaseline.median(wall), SshBaseline.median(cpu), runs);
        System.out.printf("%-40s wall %.1f ms, CPU %.1f ms (medians of %d)%n", variant, timing.wallMillis(),
                timing.cpuMillis(), runs);
        return timing;
    }

    private static void awaitMachine(Path runcmd, Map<String, String> environment) throws Exception {
        for (int i = 0; i < 120; i++) {
            if (run(List.of(runcmd.toString(), "run-command", "create", "--name", "cli-bench-ready", "--script",
                    "true"), environment) == 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the agent did not come online");
    }

    private static int run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
