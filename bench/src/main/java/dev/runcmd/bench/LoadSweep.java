package dev.runcmd.bench;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How the control API's REST side holds up as concurrent clients grow, on the real local stack with the
 * per-client rate limit off. Each step runs C clients, each on its own thread and keep-alive connection, sending
 * requests back to back for the step's duration in the {@link Operation} mix against 200 finished run
 * commands ({@link LoadFixture}). Measured per step: requests per second; latency, send to whole body read,
 * p50/p99/max over all requests and p50/p99 per operation; the answers by 2xx, 429, 503 (and those without
 * Retry-After), 500, other status, and timeouts or connection errors; then how long until a plain GET answers
 * 200 again. At the end: a markdown table of the steps and the control API's resident memory.
 * Usage: {@code bench/run.sh load [seconds-per-step] [clients,clients,...]}; {@code BENCH_API_SETTINGS=k=v,k=v}
 * passes extra control API settings.
 */
public final class LoadSweep {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c";
    private static final AgentIdentity AGENT = new AgentIdentity(SUBSCRIPTION, "bench", "bench-load");
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
    private static final Duration WARMUP = Duration.ofSeconds(20);
    private static final int WARMUP_CLIENTS = 16;

    private LoadSweep() {
    }

    public static void main(String[] args) throws Exception {
        LoadSettings settings = LoadSettings.from(args, System.getenv());
        // A finished step's idle connections close within seconds instead of staying open until its clients
        // are garbage collected, so no step starts with the previous one's connections still on the server.
        // The JDK reads this once, when its HTTP client first loads.
        System.setProperty("jdk.httpclient.keepalive.timeout", "5");
        Path dataDir = Files.createTempDirectory("runcmd-bench-load-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            stack.startDatabase(Ports.free());
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort, settings.apiSettings());
            LocalStack.awaitQuarkus(api, apiManagementPort);
            // The control API migrates the schema the gateway needs.
            ComponentProcess gateway = stack.startGateway("gw-bench", gatewayPort, gatewayHttpPort);
            LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
            stack.startAgent(AGENT, gatewayPort);
            String endpoint = "http://127.0.0.1:" + apiPort;
            String token = stack.ownerToken();
            ArmClient client = new ArmClient(endpoint, SUBSCRIPTION, "bench", Credential.bearer(token, "owner"));
            Main.awaitConnected(client, AGENT.machineName());

            System.out.printf("Load sweep: %s s per step, clients %s, mix %s, Retry-After %s, control API settings %s%n",
                    settings.step().toSeconds(), settings.clientCounts(), settings.mix(),
                    settings.honorRetryAfter() ? "honored" : "ignored", settings.apiSettings());
            long setupStart = System.nanoTime();
            LoadFixture.create(client, AGENT.machineName());
            System.out.printf("Setup: %d run commands succeeded in %.1f s%n", LoadFixture.READ_COUNT,
                    (System.nanoTime() - setupStart) / 1e9);

            String runCommands = endpoint + client.runCommandsPath(AGENT.machineName());
            URI probe = URI.create(runCommands + "/" + LoadFixture.readName(0) + "?api-version=" + ArmClient.API_VERSION);
            // The JIT compiles the request paths during the first seconds of load; those must not count as a step.
            StepResult warmup = runStep(runCommands, WARMUP_CLIENTS, settings.withStep(WARMUP), probe, token);
            System.out.printf("Warm-up: %d clients for %d s, %.0f answers/s (not counted)%n", WARMUP_CLIENTS,
                    WARMUP.toSeconds(), warmup.requestsPerSecond());
            SweepReport report = new SweepReport(System.out);
            report.printHeader();
            List<StepResult> steps = new ArrayList<>();
            for (int clients : settings.clientCounts()) {
                StepResult step = runStep(runCommands, clients, settings, probe, token);
                report.printStep(step);
                steps.add(step);
            }
            System.out.println();
            report.printTable(steps);
            System.out.printf("%ncontrol-api resident memory: VmRSS %.0f MiB, peak (VmHWM) %.0f MiB%n",
                    Memory.rssKib(api.pid()) / 1024.0, Memory.peakKib(api.pid()) / 1024.0);
        }
    }

    /** Runs {@code clients} clients for {@code duration}, then waits, bounded, for the API to serve again. */
    private static StepResult runStep(String runCommands, int clients, LoadSettings settings, URI probe,
            String token)
            throws Exception {
        Duration duration = settings.step();
        // One HTTP client for the step: a client per thread would add a selector thread per client, and at 512
        // clients the load generator would take the CPU the control API is measured with.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<LoadClient> loadClients = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            loadClients.add(new LoadClient(http, runCommands, settings.mix(), settings.honorRetryAfter(), i, token));
        }
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Callable<StepTally>> runs = new ArrayList<>();
            for (LoadClient loadClient : loadClients) {
                runs.add(() -> loadClient.run(deadline));
            }
            // Each client stops at the deadline, after at most one request's timeout.
            List<Future<StepTally>> finished = threads.invokeAll(runs);
            double seconds = (System.nanoTime() - start) / 1e9;
            StepTally total = new StepTally();
            for (Future<StepTally> run : finished) {
                total.add(run.get());
            }
            return new StepResult(clients, seconds, total, awaitServing(probe, token));
        } finally {
            threads.shutdown();
        }
    }

    /** Milliseconds until a GET of {@code probe} answers 200, polling up to {@link #RECOVERY_BOUND}; -1 if never. */
    private static long awaitServing(URI probe, String token) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PROBE_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(probe).header("Authorization", "Bearer " + token)
                .timeout(PROBE_TIMEOUT).GET().build();
        long start = System.nanoTime();
        long deadline = start + RECOVERY_BOUND.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            } catch (IOException notServing) {
                // a timeout or a refused connection: the API is not serving yet
            }
            Thread.sleep(PROBE_INTERVAL.toMillis());
        }
        return -1;
    }
}
