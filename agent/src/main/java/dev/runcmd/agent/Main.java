package dev.runcmd.agent;

import dev.runcmd.agent.admin.Admin;
import dev.runcmd.agent.identity.Bootstrap;
import dev.runcmd.agent.identity.ClientTls;
import dev.runcmd.agent.identity.Enrollment;
import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityException;
import dev.runcmd.agent.identity.IdentityStore;
import dev.runcmd.agent.identity.Renewer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The agent's entry point: {@code java -jar agent.jar [run|connect|show|check] [options]}. Reads the configuration, gets the
 * machine's identity (stored, or enrolled with the join token), dials the gateways over TLS with it and
 * runs until SIGTERM or SIGINT, when a shutdown hook stops the agent cleanly.
 *
 * <p>Exit codes: 0 after {@code --help}; 1 when the work dir is unusable or there is no usable
 * identity; 2 for a bad option or value (with one line on stderr); 128 + signal when stopped by a signal.
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
    /** The JDK's system property that chooses how child processes are started (read once, at the first start). */
    private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    static {
        // One line per record; must be set before the first logger is created.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        // Every run starts processes (setsid, the wrapper, the script's shell). JDK 12 to 21 start a child on Linux
        // through posix_spawn of the jspawnhelper program, which then execs the real one: one more exec per process,
        // 8 to 14 ms on the 2-core VM of the README's measurements against 4 to 5 ms with vfork, the JDK's own
        // launch mechanism before 12. Must be set before the first process starts; an explicit -D wins, and later
        // JDKs, which deprecate VFORK, keep their default.
        if (System.getProperty(LAUNCH_MECHANISM) == null && Runtime.version().feature() <= 21
                && System.getProperty("os.name").startsWith("Linux")) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
    }

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {}

    /**
     * Runs a subcommand ({@code connect}, {@code show}, {@code check}) or, with {@code run} or none, the agent;
     * returns only by System.exit.
     */
    public static void main(String[] args) throws InterruptedException {
        String subcommand = args.length > 0 && !args[0].startsWith("-") ? args[0] : "run";
        if (!subcommand.equals("run") || args.length > 0 && args[0].equals("run")) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (Admin.handles(subcommand) && !AgentConfig.wantsHelp(args)) {
            // The operator reads the subcommand's own lines; the agent's INFO records would bury them.
            Logger.getLogger("").setLevel(Level.WARNING);
            System.exit(new Admin(System.getenv(), System.in, System.out, System.err).run(subcommand, List.of(args)));
            return;
        }
        if (!subcommand.equals("run") && !Admin.handles(subcommand)) {
            System.err.println("runcmd-agent: unknown subcommand '" + subcommand + "' (try --help)");
            System.exit(EXIT_USAGE);
            return;
        }
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
        config.logFormat().apply();
        if (config.joinTokenInArguments()) {
            LOG.warning("The join token is on the command line, where every local user can read it while the agent"
                    + " runs; prefer RUNCMD_JOIN_TOKEN or join-token in a config file only root can read");
        }
        IdentityStore store = new IdentityStore(config.identityDir());
        Agent agent;
        try {
            Identity identity = Bootstrap.identity(store, config.joinToken(), config.machine(),
                    new Enrollment(config.gateways()));
            agent = agent(config, store, identity);
        } catch (IdentityException e) {
            System.err.println("runcmd-agent: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
            return;
        } catch (SSLException e) {
            System.err.println("runcmd-agent: TLS 1.3 is not available: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
            return;
        } catch (IOException e) {
            System.err.println("runcmd-agent: identity dir " + store.dir() + " is unusable: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "runcmd-shutdown"));
        try {
            agent.start();
        } catch (UncheckedIOException e) {
            System.err.println("runcmd-agent: " + e.getMessage());
            System.exit(EXIT_START_FAILED);
        }
        agent.awaitTermination();
    }

    /** The agent as {@code identity}: TLS channels to every gateway, and the renewal of its certificate. */
    static Agent agent(AgentConfig config, IdentityStore store, Identity identity) throws SSLException {
        ClientTls tls = new ClientTls(identity);
        return new Agent(config.gateways().stream().map(gateway -> channel(gateway, tls.context())).toList(), config,
                new Renewer(store, tls, identity));
    }

    /**
     * A TLS channel to one gateway address with keepalive pings. A host name is resolved by grpc's DNS
     * resolver, and pick_first tries every address it resolves to.
     */
    static ManagedChannel channel(String gateway, SslContext tls) {
        return NettyChannelBuilder.forTarget(gateway)
                .sslContext(tls)
                .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .build();
    }
}
