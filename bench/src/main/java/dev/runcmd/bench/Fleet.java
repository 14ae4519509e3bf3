package dev.runcmd.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Simulated agents in this JVM, spread over the gateways round robin: machine {@code i} enrolls with, and holds its
 * stream on, gateway {@code i % gateways}. Shares one timer thread for all heartbeats, and counts Welcomes and
 * streams that ended.
 */
final class Fleet implements AutoCloseable {

    /** At most this many Enroll calls (key generation included) at once. */
    static final int ENROLL_PARALLELISM = 16;
    /** At most this many ended streams are described on stderr; the rest are only counted. */
    private static final int ENDINGS_SHOWN = 5;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fleet-heartbeats");
        thread.setDaemon(true);
        return thread;
    });
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private final AtomicInteger welcomed = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> causes =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Enrolls {@code count} machines named {@code prefix-i}, {@link #ENROLL_PARALLELISM} at a time; connects none. */
    static Fleet enroll(Enroller enroller, List<Integer> gatewayPorts, String prefix, int count) throws Exception {
        Fleet fleet = new Fleet();
        List<ManagedChannel> anonymous = gatewayPorts.stream().map(enroller::anonymousChannel).toList();
        ExecutorService pool = Executors.newFixedThreadPool(ENROLL_PARALLELISM);
        try {
            List<Future<EnrolledMachine>> enrolled = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ManagedChannel channel = anonymous.get(i % anonymous.size());
                String machine = prefix + "-" + i;
                enrolled.add(pool.submit(() -> enroller.enroll(channel, machine)));
            }
            for (int i = 0; i < count; i++) {
                EnrolledMachine machine = enrolled.get(i).get(60, TimeUnit.SECONDS);
                fleet.agents.add(new SimulatedAgent(machine, machine.channel(gatewayPorts.get(i % gatewayPorts.size())),
                        fleet));
            }
            return fleet;
        } finally {
            pool.shutdownNow();
            anonymous.forEach(ManagedChannel::shutdownNow);
        }
    }

    /** Opens every agent's stream and sends its Hello, without waiting. */
    void connect() {
        agents.forEach(SimulatedAgent::connect);
    }

    /** How many agents got their Welcome. */
    int welcomedCount() {
        return welcomed.get();
    }

    /** How many times agents' streams ended (each is then reopened after a back-off). */
    int endedCount() {
        return ended.get();
    }

    /** The endings by status code and description, most frequent first, e.g. {@code 12 × UNAVAILABLE io exception}. */
    String endingCauses() {
        return causes.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                .limit(5)
                .map(cause -> cause.getValue().get() + " × " + cause.getKey())
                .collect(java.util.stream.Collectors.joining("; "));
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    void welcomed() {
        welcomed.incrementAndGet();
    }

    void ended(String machine, Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        String cause = status.getCode() + " " + description.substring(0, Math.min(80, description.length()));
        causes.computeIfAbsent(cause, c -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        if (ended.incrementAndGet() <= ENDINGS_SHOWN) {
            System.err.println("stream of " + machine + " ended: " + status.getCode() + " " + status.getDescription());
        }
    }

    @Override
    public void close() throws InterruptedException {
        timers.shutdownNow();
        agents.forEach(SimulatedAgent::close);
        for (SimulatedAgent agent : agents) {
            if (!agent.channel().awaitTermination(5, TimeUnit.SECONDS)) {
                agent.channel().shutdownNow();
            }
        }
    }
}
