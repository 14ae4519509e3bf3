package dev.runcmd.cli.local;

import dev.runcmd.cli.auth.OwnerToken;
import dev.runcmd.cli.auth.PrivateFiles;
import dev.runcmd.cli.http.ArmClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The whole of runcmd on one machine: an embedded PostgreSQL, the control API, gateways and agents,
 * each a real child process. Used by {@code runcmd up}, {@code runcmd demo} and the end-to-end tests.
 *
 * <p>The stack has an owner: a runcmd token in {@code <data-dir>/owner.token} (0600, the directory 0700), created on
 * first start, which the control API makes hold the Owner role at the root scope. The stack's own calls present it,
 * and so does the CLI on this machine ({@link #ownerToken()}).
 *
 * <p>Not thread-safe: one thread starts and stops components. {@link #close} stops everything in
 * reverse order of start (agents first, the database last).
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> QUARKUS_JVM = List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xss512k");
    /** JVM options for agents: small heap that starts tiny, C1 only, small code cache (idle RSS under 64 MiB). */
    public static final List<String> AGENT_JVM = List.of("-Xms4m", "-Xmx24m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss256k", "-XX:ReservedCodeCacheSize=8m",
            "-XX:-UsePerfData", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20",
            "-Dio.grpc.netty.shaded.io.netty.allocator.type=unpooled");

    private final Artifacts artifacts;
    private final Path dataDir;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private EmbeddedDatabase database;
    private int controlApiPort;

    public LocalStack(Artifacts artifacts, Path dataDir) {
        this.artifacts = artifacts;
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /**
     * The owner token's text ({@code runcmd-pat.<id>.<secret>}), read from {@code <data-dir>/owner.token}, which is
     * created on first use. Requests to this stack's control API carry it as {@code Authorization: Bearer <token>};
     * it may do anything anywhere.
     */
    public String ownerToken() throws IOException {
        return OwnerToken.readOrCreate(dataDir).text();
    }

    /** The file holding {@link #ownerToken()}. */
    public Path ownerTokenFile() {
        return OwnerToken.file(dataDir);
    }

    /** Who the activity log and {@code systemData} show for the owner token: {@code <user name>@local}. */
    public static String ownerName() {
        return System.getProperty("user.name", "owner") + "@local";
    }

    /** Starts PostgreSQL with its cluster under {@code <data-dir>/postgres}. */
    public EmbeddedDatabase startDatabase(int port) throws IOException {
        return startDatabase(port, java.util.Map.of());
    }

    /** Starts PostgreSQL as {@link #startDatabase(int)}, with more server settings. */
    public EmbeddedDatabase startDatabase(int port, java.util.Map<String, String> settings) throws IOException {
        database = EmbeddedDatabase.start(dataDir.resolve("postgres"), port, logDir().resolve("postgres.log"),
                settings);
        started.addLast(database); // stopped last
        return database;
    }

    /**
     * Stops PostgreSQL (fast shutdown); the data stays, and {@link #startDatabase(int)} starts it
     * again, as an operator's restart would. Components keep running and must ride through it.
     */
    public void stopDatabase() throws IOException {
        database.close();
        started.remove(database);
    }

    /**
     * Starts the control API on {@code httpPort} (REST and public gRPC), with health and metrics on
     * {@code managementPort}; does not wait ({@link #awaitQuarkus} with the management port does).
     */
    public ComponentProcess startControlApi(int httpPort, int managementPort) throws IOException {
        return startControlApi(httpPort, managementPort, java.util.Map.of());
    }

    /**
     * Starts the control API with extra Quarkus/runcmd settings given as system properties; they override the owner
     * token's settings, not the database's nor the ports.
     */
    public ComponentProcess startControlApi(int httpPort, int managementPort, java.util.Map<String, String> settings)
            throws IOException {
        if (controlApiPort == 0) {
            controlApiPort = httpPort; // agents enroll through the first one (others may be stopped by tests)
        }
        List<String> command = javaCommand(QUARKUS_JVM);
        // The token's file, never the token: a command line is visible to every local user.
        OwnerToken.readOrCreate(dataDir);
        command.add("-Druncmd.auth.bootstrap-owner-token-file=" + ownerTokenFile());
        command.add("-Druncmd.auth.bootstrap-owner-name=" + ownerName());
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(datasourceProperties());
        command.add("-Dquarkus.datasource.jdbc.url=" + database.jdbcUrl());
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dquarkus.management.host=127.0.0.1");
        command.add("-jar");
        command.add(artifacts.controlApiJar().toString());
        return track(new ComponentProcess("control-api", command, secrets(), logDir().resolve("control-api.log")).start());
    }

    /**
     * Starts a gateway: agents reach it on {@code grpcPort} (TLS, the runcmd CA), the control API on its internal
     * listener (a free port it advertises itself); health and metrics on {@code httpPort}.
     */
    public ComponentProcess startGateway(String id, int grpcPort, int httpPort) throws IOException {
        return startGateway(id, grpcPort, httpPort, java.util.Map.of());
    }

    /** Starts a gateway with extra Quarkus/runcmd settings given as system properties. */
    public ComponentProcess startGateway(String id, int grpcPort, int httpPort, java.util.Map<String, String> settings)
            throws IOException {
        return startGateway(id, grpcPort, httpPort, settings, QUARKUS_JVM);
    }

    /** Starts a gateway with extra settings and its own JVM options (a larger heap for a benchmark's big fleet). */
    public ComponentProcess startGateway(String id, int grpcPort, int httpPort, java.util.Map<String, String> settings,
            List<String> jvmOptions) throws IOException {
        List<String> command = javaCommand(jvmOptions);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(datasourceProperties());
        command.add("-Dquarkus.grpc.server.port=" + grpcPort);
        command.add("-Dquarkus.grpc.server.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Druncmd.gateway.id=" + id);
        command.add("-Druncmd.gateway.internal-port=" + Ports.free());
        command.add("-Druncmd.gateway.internal-host=127.0.0.1");
        command.add("-jar");
        command.add(artifacts.gatewayJar().toString());
        return track(new ComponentProcess("gateway " + id, command, secrets(), logDir().resolve("gateway-" + id + ".log")).start());
    }

    /** Starts an agent for {@code machineName} that dials the gateway on {@code gatewayPort}. */
    public ComponentProcess startAgent(AgentIdentity identity, int gatewayPort) throws IOException {
        return startAgent(identity, gatewayPort, AGENT_JVM);
    }

    /** Starts an agent with the given JVM options. */
    public ComponentProcess startAgent(AgentIdentity identity, int gatewayPort, List<String> jvmOptions) throws IOException {
        return startAgent(identity, "127.0.0.1:" + gatewayPort, jvmOptions);
    }

    /**
     * Starts an agent that dials {@code gateways}: one {@code host:port} or a comma-separated list,
     * tried in turn. Its work directory (journal, spool) is {@code <data-dir>/agents/<machine>}, so an
     * agent started again for the same machine finds what the previous one left.
     */
    public ComponentProcess startAgent(AgentIdentity identity, String gateways, List<String> jvmOptions)
            throws IOException {
        return startAgent(identity, gateways, jvmOptions, "cancel");
    }

    /**
     * Starts an agent as above with the given {@code --stop-mode}: {@code cancel} (what the local stack
     * uses: scripts end with their agent, nothing is left behind) or {@code detach} (the agent's own
     * default: a stopped agent leaves its scripts running for the next one to take over).
     *
     * <p>An agent whose work directory holds no identity yet enrolls first: the stack creates a one-use join token
     * naming the machine through the control API and hands it to the agent in its environment (never on its
     * command line), as an operator would with {@code runcmd machine join-token create}.
     */
    public ComponentProcess startAgent(AgentIdentity identity, String gateways, List<String> jvmOptions,
                                       String stopMode) throws IOException {
        return startAgent(identity, gateways, jvmOptions, stopMode, java.util.Map.of());
    }

    /**
     * Starts an agent as {@link #startAgent(AgentIdentity, String, List, String)} that reports {@code tags} as its
     * machine's tags ({@code --tags NAME=VALUE,...}) in every Hello.
     */
    public ComponentProcess startAgent(AgentIdentity identity, String gateways, List<String> jvmOptions,
                                       String stopMode, java.util.Map<String, String> tags) throws IOException {
        Path identityFile = agentWorkDir(identity).resolve("identity").resolve("cert.pem");
        java.util.Map<String, String> environment = java.nio.file.Files.exists(identityFile) ? java.util.Map.of()
                : java.util.Map.of("RUNCMD_JOIN_TOKEN", joinToken(identity));
        return launchAgent(identity, gateways, jvmOptions, stopMode, tags, environment);
    }

    /** Starts an agent for a machine with the join token an operator gave it (in its environment). */
    public ComponentProcess startAgentWithToken(AgentIdentity identity, int gatewayPort, String joinToken)
            throws IOException {
        return launchAgent(identity, "127.0.0.1:" + gatewayPort, AGENT_JVM, "cancel", java.util.Map.of(),
                java.util.Map.of("RUNCMD_JOIN_TOKEN", joinToken));
    }

    /** The agent's work directory: {@code <data-dir>/agents/<machine>} (its identity in {@code identity/}). */
    public Path agentWorkDir(AgentIdentity identity) {
        return dataDir.resolve("agents").resolve(identity.machineName());
    }

    private ComponentProcess launchAgent(AgentIdentity identity, String gateways, List<String> jvmOptions,
                                         String stopMode, java.util.Map<String, String> tags,
                                         java.util.Map<String, String> environment) throws IOException {
        List<String> command = javaCommand(jvmOptions);
        command.add("-jar");
        command.add(artifacts.agentJar().toString());
        command.addAll(List.of(
                "--gateway", gateways,
                "--stop-mode", stopMode,
                "--subscription-id", identity.subscriptionId(),
                "--resource-group", identity.resourceGroup(),
                "--machine-name", identity.machineName(),
                "--work-dir", agentWorkDir(identity).toString()));
        if (!tags.isEmpty()) {
            command.add("--tags");
            command.add(tags.entrySet().stream().map(tag -> tag.getKey() + "=" + tag.getValue())
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        String name = "agent " + identity.machineName();
        return track(new ComponentProcess(name, command, environment,
                logDir().resolve("agent-" + identity.machineName() + ".log")).start());
    }

    /**
     * A one-use join token for the machine, valid ten minutes, from the control API this stack started, asked for
     * with the owner token.
     */
    public String joinToken(AgentIdentity identity) throws IOException {
        if (controlApiPort == 0) {
            throw new IllegalStateException("start the control API first: agents enroll through it");
        }
        String path = "/subscriptions/" + identity.subscriptionId() + "/resourceGroups/" + identity.resourceGroup()
                + "/providers/Microsoft.HybridCompute/joinTokens";
        String body = "{\"properties\":{\"machineName\":\"" + identity.machineName()
                + "\",\"expiresInSeconds\":600,\"uses\":1}}";
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + controlApiPort + path + "?api-version=" + ArmClient.API_VERSION))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ownerToken())
                .timeout(Duration.ofSeconds(30))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IOException("creating a join token for " + identity.machineName() + " failed: HTTP "
                        + answer.statusCode() + " " + answer.body());
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body())
                    .path("properties").path("token").asText();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating a join token", interrupted);
        }
    }

    /**
     * Starts the control API (health on {@code apiManagementPort}), waits until it is ready (it migrates the schema
     * the gateway needs), then starts gateway {@code gatewayId} and waits for it too.
     */
    public void startServices(int apiPort, int apiManagementPort, String gatewayId, int gatewayPort,
                              int gatewayHttpPort) throws IOException, InterruptedException {
        startServices(apiPort, apiManagementPort, java.util.Map.of(), gatewayId, gatewayPort, gatewayHttpPort);
    }

    /** Starts the services as above, the control API with extra settings. */
    public void startServices(int apiPort, int apiManagementPort, java.util.Map<String, String> apiSettings,
                              String gatewayId, int gatewayPort, int gatewayHttpPort)
            throws IOException, InterruptedException {
        awaitQuarkus(startControlApi(apiPort, apiManagementPort, apiSettings), apiManagementPort);
        awaitQuarkus(startGateway(gatewayId, gatewayPort, gatewayHttpPort), gatewayHttpPort);
    }

    /**
     * Waits for a Quarkus component's readiness endpoint on {@code healthPort}: the control API's management port,
     * a gateway's HTTP port.
     */
    public static void awaitQuarkus(ComponentProcess process, int healthPort) throws IOException, InterruptedException {
        process.awaitReady("http://127.0.0.1:" + healthPort + "/q/health/ready", READY_TIMEOUT);
    }

    /** Stops every component, newest first; the database last. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                System.err.println("runcmd: stopping a component failed: " + e.getMessage());
            }
        }
    }

    /**
     * The key that encrypts secrets at rest, shared by the control API and the gateways: read from
     * {@code <data-dir>/secrets.key}, created (mode 0600, the directory 0700) on first use. Passed in the environment,
     * never on a command line.
     */
    private java.util.Map<String, String> secrets() throws IOException {
        Path file = dataDir.resolve("secrets.key");
        PrivateFiles.createIfAbsent(file, newKey());
        return java.util.Map.of("RUNCMD_SECRETS_KEY", java.nio.file.Files.readString(file).trim());
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    private ComponentProcess track(ComponentProcess process) {
        started.push(process);
        return process;
    }

    private List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Artifacts.javaExecutable());
        command.addAll(jvmOptions);
        return command;
    }

    private List<String> datasourceProperties() {
        if (database == null) {
            throw new IllegalStateException("start the database first");
        }
        return List.of(
                "-Dquarkus.datasource.reactive.url=" + database.reactiveUrl(),
                "-Dquarkus.datasource.username=" + EmbeddedDatabase.USER,
                "-Dquarkus.datasource.password=" + EmbeddedDatabase.PASSWORD);
    }
}
