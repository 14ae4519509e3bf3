package dev.runcmd.agent;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The agent's entry point: {@code java -jar agent.jar [options]}. Reads the configuration, dials the
 * gateway and runs until SIGTERM or SIGINT, when a shutdown hook stops the agent cleanly.
 *
 * <p>Exit codes: 0 after {@code --help}; 1 when the work dir is unusable; 2 for a bad option or
 * value (with one line on stderr); 128 + signal when stopped by a signal.
 */
public final class Main {
    /** Exit code for a bad option or value. */
    static final int EXIT_USAGE = 2;
    /** Exit code when the agent cannot start. */
    static final int EXIT_START_FAILED = 1;
    /** How often an idle connection is pinged, so a dead gateway is noticed. */
    static final long KEEPALIVE_SECONDS = 30;
    /** How long a keepalive ping may go unanswered. */
    static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

    static {
        // One line per record; must be set before the first logger is created.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }

    private Main() {}

    /** Runs the agent; returns only by System.exit. */
    public static void main(String[] args) throws InterruptedException {
        if (AgentConfig.wantsHelp(args)) {
            System.out.print(AgentConfig.usage());
            return;
        }
        AgentConfig config;
        try {
            config = AgentConfig.from(System.getenv(), args);
        } catch (ConfigException e) {
            System.err.println("runcmd-agent: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        Agent agent = new Agent(config.gateways().stream().map(Main::channel).toList(), config);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "runcmd-shutdown"));
        try {
            agent.start();
        } catch (UncheckedIOException e) {
            System.err.println("runcmd-agent: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
        }
        agent.awaitTermination();
    }

    /**
     * A plaintext channel to one gateway address with keepalive pings. A host name is resolved by
     * grpc's DNS resolver, and pick_first tries every address it resolves to.
     */
    static ManagedChannel channel(String gateway) {
        return ManagedChannelBuilder.forTarget(gateway)
                .usePlaintext()
                .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .build();
    }
}
