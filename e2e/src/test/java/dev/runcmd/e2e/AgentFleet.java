package dev.runcmd.e2e;

import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real agent processes for machines {@code <prefix>-00}, {@code <prefix>-01}, … that report the same tags. Each
 * enrolls with its own join token like any other agent; agent {@code i} dials the gateway list rotated by
 * {@code i}, so consecutive machines start on different gateways and each falls back to the others. The agents use
 * the local stack's small JVM settings and the {@code cancel} stop mode (nothing outlives the fleet).
 *
 * <p>Not thread-safe: one test thread starts, queries and stops it.
 */
final class AgentFleet implements AutoCloseable {

    private static final Pattern CONNECTED = Pattern.compile("Connected to gateway (\\S+),");

    private final Stack stack;
    private final Map<String, ComponentProcess> agents = new LinkedHashMap<>();

    private AgentFleet(Stack stack) {
        this.stack = stack;
    }

    /**
     * Starts {@code size} agents with {@code tags} dialing {@code gateways} ({@code host:port} each) and waits until
     * every machine shows Connected.
     */
    static AgentFleet start(Stack stack, String prefix, int size, Map<String, String> tags, List<String> gateways)
            throws IOException {
        AgentFleet fleet = new AgentFleet(stack);
        try {
            for (int i = 0; i < size; i++) {
                String machine = String.format("%s-%02d", prefix, i);
                List<String> order = new ArrayList<>();
                for (int g = 0; g < gateways.size(); g++) {
                    order.add(gateways.get((i + g) % gateways.size()));
                }
                fleet.agents.put(machine, stack.local().startAgent(
                        new AgentIdentity(Stack.SUBSCRIPTION, Stack.RESOURCE_GROUP, machine),
                        String.join(",", order), LocalStack.AGENT_JVM, "cancel", tags));
            }
            fleet.agents.keySet().forEach(machine -> stack.awaitStatus(machine, "Connected"));
            return fleet;
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /** The machines, in name order. */
    List<String> machines() {
        return List.copyOf(agents.keySet());
    }

    /** The id of the gateway the machine's agent last connected to, from its log; null before it connected. */
    String gatewayOf(String machine) {
        Matcher connected = CONNECTED.matcher(agents.get(machine).logTail(500));
        String last = null;
        while (connected.find()) {
            last = connected.group(1);
        }
        return last;
    }

    /** The machines whose agents are connected to gateway {@code id} now, by their logs. */
    List<String> on(String id) {
        return machines().stream().filter(machine -> id.equals(gatewayOf(machine))).toList();
    }

    /** Stops every agent (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        for (ComponentProcess agent : agents.values()) {
            try {
                agent.stop(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
