package dev.runcmd.e2e;

import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real stack shared by the end-to-end tests of one JVM: embedded PostgreSQL, the control API,
 * gateway "gw-1" and an agent for machine {@link #MAIN_MACHINE}. Started on first use, stopped when
 * the JVM exits. The control API and gw-1 trace, as an install with tracing switched on does, and
 * export their spans to {@link #traces()}, a receiver in this JVM. Tests that need more (another gateway, an agent they stop) start their own
 * components through {@link #local()} and stop them themselves.
 */
final class Stack {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000e2";
    static final String RESOURCE_GROUP = "e2e";
    static final String MAIN_MACHINE = "e2e-main";

    private static Stack instance;

    private final LocalStack local;
    private final int apiPort;
    private final int apiManagementPort;
    private final int gatewayPort;
    private final int gatewayHttpPort;
    private final Api api;
    private final OtlpReceiver traces;

    private Stack(LocalStack local, int apiPort, int apiManagementPort, int gatewayPort, int gatewayHttpPort,
                  OtlpReceiver traces) {
        this.local = local;
        this.traces = traces;
        this.apiPort = apiPort;
        this.apiManagementPort = apiManagementPort;
        this.gatewayPort = gatewayPort;
        this.gatewayHttpPort = gatewayHttpPort;
        this.api = new Api("http://127.0.0.1:" + apiPort, SUBSCRIPTION, RESOURCE_GROUP, ownerToken(local));
    }

    /** A CLI process that finds this stack's owner token as a user's CLI does (RUNCMD_DATA_DIR). */
    ProcessBuilder cli(java.util.List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("RUNCMD_DATA_DIR", local.dataDir().toString());
        return builder;
    }

    /** A gRPC interceptor sending the owner token as the {@code authorization} metadata of every call. */
    io.grpc.ClientInterceptor bearer() {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + token());
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** The owner token the local stack created in its data directory. */
    String token() {
        return ownerToken(local);
    }

    private static String ownerToken(LocalStack local) {
        try {
            return local.ownerToken();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The shared stack, started on first call. */
    static synchronized Stack get() throws Exception {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance.local::close, "e2e-stack-stop"));
        }
        return instance;
    }

    private static Stack start() throws Exception {
        Path dataDir = Files.createTempDirectory("runcmd-e2e-");
        LocalStack local = new LocalStack(Artifacts.locate(System.getenv()), dataDir);
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        OtlpReceiver traces = new OtlpReceiver();
        try {
            local.startDatabase(Ports.free());
            // The execution gauges are read every second, so a test sees them move within its bounded waits.
            java.util.Map<String, String> apiSettings = new java.util.HashMap<>(tracing(traces));
            apiSettings.put("runcmd.metrics.refresh-interval", "1s");
            LocalStack.awaitQuarkus(local.startControlApi(apiPort, apiManagementPort, apiSettings), apiManagementPort);
            LocalStack.awaitQuarkus(local.startGateway("gw-1", gatewayPort, gatewayHttpPort, tracing(traces)),
                    gatewayHttpPort);
            Stack stack = new Stack(local, apiPort, apiManagementPort, gatewayPort, gatewayHttpPort, traces);
            stack.startAgent(MAIN_MACHINE, gatewayPort);
            stack.awaitStatus(MAIN_MACHINE, "Connected");
            return stack;
        } catch (Exception e) {
            local.close();
            traces.close();
            throw e;
        }
    }

    /** Tracing on, every span exported to {@code traces} over OTLP/HTTP within a fifth of a second. */
    private static java.util.Map<String, String> tracing(OtlpReceiver traces) {
        return java.util.Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.endpoint", traces.endpoint(),
                "quarkus.otel.exporter.otlp.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "200ms");
    }

    /** The spans the control API and gw-1 exported. */
    OtlpReceiver traces() {
        return traces;
    }

    Api api() {
        return api;
    }

    LocalStack local() {
        return local;
    }

    int gatewayPort() {
        return gatewayPort;
    }

    int apiPort() {
        return apiPort;
    }

    /** The control API's management port: health and metrics. */
    int apiManagementPort() {
        return apiManagementPort;
    }

    /** Gateway gw-1's HTTP port: health and metrics. */
    int gatewayHttpPort() {
        return gatewayHttpPort;
    }

    /** Starts an agent for {@code machine} on the gateway at {@code gatewayPort}; the caller stops it. */
    ComponentProcess startAgent(String machine, int gatewayPort) throws IOException {
        return local.startAgent(new AgentIdentity(SUBSCRIPTION, RESOURCE_GROUP, machine), gatewayPort);
    }

    /** Registers {@code machine} (its agent connects once) and leaves it Disconnected (the agent stopped). */
    void registerOffline(String machine) throws IOException, InterruptedException {
        ComponentProcess agent = startAgent(machine, gatewayPort);
        awaitStatus(machine, "Connected");
        agent.stop(Duration.ofSeconds(10));
        awaitStatus(machine, "Disconnected");
    }

    /** Waits until the machine's status is {@code status}. */
    void awaitStatus(String machine, String status) {
        Waits.until(Duration.ofSeconds(60), "machine " + machine + " " + status, () -> {
            Api.Answer answer = api.get(api.machine(machine));
            return answer.status() == 200
                    && status.equals(answer.json().path("properties").path("status").asText());
        });
    }
}
