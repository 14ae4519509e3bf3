package dev.runcmd.chaos;

import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole of runcmd as real processes, with handles to break each part: an embedded PostgreSQL,
 * one control API, two gateways, and one agent per machine. Each agent reaches the gateways through
 * a {@link TcpProxy} per gateway (its address list names both proxies, in a different order per
 * agent), so the suite can cut or stall the network between agents and gateways. Every component
 * restarts on its own port with its own data, as after a crash on a real host.
 */
final class ChaosStack implements AutoCloseable {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000c5";
    static final String RESOURCE_GROUP = "chaos";
    private static final Duration READY = Duration.ofSeconds(120);

    private final LocalStack local;
    private final int databasePort = Ports.free();
    private final int apiPort = Ports.free();
    private final int apiManagementPort = Ports.free();
    private final List<GatewayNode> gateways = new ArrayList<>();
    private final Map<String, ComponentProcess> agents = new LinkedHashMap<>();
    private final Rest rest;
    private ComponentProcess controlApi;

    /** One gateway: its ports, the proxy in front of it, and its current process. */
    static final class GatewayNode {
        final String id;
        final int grpcPort = Ports.free();
        final int httpPort = Ports.free();
        final TcpProxy proxy;
        ComponentProcess process;

        GatewayNode(String id) throws IOException {
            this.id = id;
            this.proxy = new TcpProxy(Ports.free(), grpcPort);
        }
    }

    private ChaosStack(Path dataDir) throws java.io.IOException {
        this.local = new LocalStack(Artifacts.locate(System.getenv()), dataDir);
        this.rest = new Rest("http://127.0.0.1:" + apiPort, SUBSCRIPTION, RESOURCE_GROUP, local.ownerToken());
    }

    /** Starts everything and waits until every machine shows Connected. */
    static ChaosStack start(List<String> machines) throws Exception {
        ChaosStack stack = new ChaosStack(Files.createTempDirectory("runcmd-chaos-"));
        try {
            stack.local.startDatabase(stack.databasePort);
            stack.startControlApi();
            for (String id : List.of("gw-a", "gw-b")) {
                GatewayNode node = new GatewayNode(id);
                stack.gateways.add(node);
                stack.startGateway(node);
            }
            for (String machine : machines) {
                stack.startAgent(machine);
            }
            for (String machine : machines) {
                stack.awaitConnected(machine);
            }
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    Rest rest() {
        return rest;
    }

    Path dataDir() {
        return local.dataDir();
    }

    List<String> machines() {
        return List.copyOf(agents.keySet());
    }

    List<GatewayNode> gateways() {
        return gateways;
    }

    void startControlApi() throws IOException, InterruptedException {
        controlApi = local.startControlApi(apiPort, apiManagementPort);
        LocalStack.awaitQuarkus(controlApi, apiManagementPort);
    }

    void killControlApi() throws InterruptedException {
        controlApi.kill();
    }

    void startGateway(GatewayNode node) throws IOException, InterruptedException {
        node.process = local.startGateway(node.id, node.grpcPort, node.httpPort, gatewaySettings());
        node.process.awaitReady("http://127.0.0.1:" + node.httpPort + "/q/health/ready", READY);
    }

    /** Shorter intervals than production so that the suite sees expiries within seconds. */
    private static Map<String, String> gatewaySettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("runcmd.gateway.heartbeat-interval", "3s");
        settings.put("runcmd.gateway.sweep-interval", "3s");
        settings.put("runcmd.gateway.lease", "9s");
        settings.putAll(ChaosSettings.extraGatewaySettings());
        return settings;
    }

    void killGateway(GatewayNode node) throws InterruptedException {
        node.process.kill();
    }

    void startAgent(String machine) throws IOException {
        int index = agents.containsKey(machine) ? new ArrayList<>(agents.keySet()).indexOf(machine) : agents.size();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            order.add("127.0.0.1:" + gateways.get((index + i) % gateways.size()).proxy.port());
        }
        // The agent's own default stop mode: a stopped agent leaves its scripts to the next one.
        agents.put(machine, local.startAgent(new AgentIdentity(SUBSCRIPTION, RESOURCE_GROUP, machine),
                String.join(",", order), LocalStack.AGENT_JVM, "detach"));
    }

    void killAgent(String machine) throws InterruptedException {
        agents.get(machine).kill();
    }

    /** SIGTERM, as a service manager stops the agent for an upgrade; fails if it does not exit in 15 s. */
    void stopAgent(String machine) throws InterruptedException {
        ComponentProcess agent = agents.get(machine);
        agent.stop(Duration.ofSeconds(15));
        if (agent.isAlive()) {
            throw new AssertionError("agent " + machine + " did not stop within 15 s of SIGTERM");
        }
    }

    void stopDatabase() throws IOException {
        local.stopDatabase();
    }

    void startDatabase() throws IOException {
        local.startDatabase(databasePort);
    }

    /** The last lines of every component's log, for a failure report. */
    String logs() {
        StringBuilder text = new StringBuilder();
        text.append("--- control-api\n").append(controlApi.logTail(40)).append('\n');
        for (GatewayNode node : gateways) {
            text.append("--- gateway ").append(node.id).append('\n').append(node.process.logTail(40)).append('\n');
        }
        agents.forEach((machine, agent) ->
                text.append("--- agent ").append(machine).append('\n').append(agent.logTail(40)).append('\n'));
        return text.toString();
    }

    private void awaitConnected(String machine) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            Rest.Answer answer = rest.get(rest.machine(machine));
            if (answer.status() == 200
                    && "Connected".equals(answer.json().path("properties").path("status").asText())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("machine " + machine + " did not connect within " + READY.toSeconds() + " s\n" + logs());
    }

    @Override
    public void close() {
        gateways.forEach(node -> node.proxy.close());
        local.close();
    }
}
