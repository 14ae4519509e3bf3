package dev.runcmd.agent;

import dev.runcmd.agent.exec.Accounts;
import dev.runcmd.agent.blob.BlobClient;
import dev.runcmd.agent.exec.ExecContext;
import dev.runcmd.agent.exec.ExecDirs;
import dev.runcmd.agent.exec.Executions;
import dev.runcmd.agent.exec.HolePuncher;
import dev.runcmd.agent.exec.Journal;
import dev.runcmd.agent.exec.PosixScriptLauncher;
import dev.runcmd.agent.exec.PosixTreeKiller;
import dev.runcmd.agent.exec.ProcessSpawner;
import dev.runcmd.agent.exec.ScriptDownloader;
import dev.runcmd.agent.exec.ScriptLauncher;
import dev.runcmd.agent.exec.SpoolContext;
import dev.runcmd.agent.exec.TreeKiller;
import dev.runcmd.agent.exec.WindowsScriptLauncher;
import dev.runcmd.agent.exec.WindowsTreeKiller;
import dev.runcmd.agent.policy.AgentPolicy;
import dev.runcmd.agent.spool.SpoolWatcher;
import dev.runcmd.agent.transport.CertificateRenewal;
import dev.runcmd.agent.transport.OutboundQueue;
import dev.runcmd.agent.transport.Session;
import dev.runcmd.agent.transport.SessionState;
import dev.runcmd.proto.agent.v1.Hello;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The composition root: wires the journal, the state dirs, the executions, the outbound queue and the
 * session over the channels it is given (real ones from {@link Main}, one per gateway address;
 * in-process ones in tests).
 *
 * <p>Lifecycle: {@link #start()} once (which first takes over what an earlier agent left in the state
 * dirs, then connects), then {@link #close()} once (idempotent), which either leaves the running
 * scripts to the next agent ({@link StopMode#DETACH}) or ends them ({@link StopMode#CANCEL}), gives
 * queued messages about a second to leave, and shuts the channels down.
 */
public final class Agent implements AutoCloseable {
    /** The protocol version this agent speaks (see agent.proto). */
    static final int PROTOCOL_VERSION = 1;
    /** What a Linux agent can do, announced in Hello. */
    static final List<String> LINUX_CAPABILITIES = List.of("shell", "cancel", "timeout", "scriptUri", "runAsUser");
    /** What a Windows agent can do, announced in Hello. */
    static final List<String> WINDOWS_CAPABILITIES = List.of("powershell", "cancel", "timeout", "scriptUri");
    /** Grace between TERM and KILL when the agent itself stops in cancel mode. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);
    /** How long the agent tries to deliver the last Exited messages when it stops. */
    static final Duration STOP_FLUSH = Duration.ofSeconds(1);
    /** How long a detaching agent waits for script launches already under way to record their process. */
    static final Duration DETACH_LAUNCH_WAIT = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    /** True on Windows, where scripts run through PowerShell. */
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private final List<ManagedChannel> channels;
    private final AgentConfig config;
    private final CertificateRenewal renewal;
    private final OutboundQueue queue = new OutboundQueue(OutboundQueue.DEFAULT_CAPACITY);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(threads("timer"));
    private final ExecutorService workers = Executors.newCachedThreadPool(threads("exec"));
    private final CountDownLatch terminated = new CountDownLatch(1);
    private Journal journal; // set by start
    private Executions executions; // set by start
    private Session session; // set by start
    private Path runAsRoot; // set by start
    private SpoolWatcher watcher; // set by start
    private boolean closed; // guarded by this

    /** Creates the agent with one gateway; nothing happens until {@link #start()}. The agent owns {@code channel}. */
    public Agent(ManagedChannel channel, AgentConfig config) {
        this(List.of(channel), config);
    }

    /**
     * Creates the agent with one channel per gateway address, tried in turn; nothing happens until
     * {@link #start()}. The agent owns {@code channels}.
     */
    public Agent(List<ManagedChannel> channels, AgentConfig config) {
        this(channels, config, CertificateRenewal.NONE);
    }

    /**
     * Creates the agent with one channel per gateway address, tried in turn, whose machine certificate
     * {@code renewal} renews over the session; nothing happens until {@link #start()}. The agent owns
     * {@code channels}.
     */
    public Agent(List<ManagedChannel> channels, AgentConfig config, CertificateRenewal renewal) {
        this.channels = List.copyOf(channels);
        this.config = config;
        this.renewal = renewal;
    }

    /**
     * Prepares the work dir, opens the journal, takes over the executions an earlier agent left
     * (reporting finished ones, reattaching running ones), removes stale exec dirs and starts the
     * session.
     *
     * @throws UncheckedIOException when the work dir, journal or state dirs are unusable
     */
    public synchronized void start() {
        Path workDir = config.workDir();
        Path execRoot = workDir.resolve("exec");
        runAsRoot = ExecDirs.runAsRootFor(workDir, Path.of(System.getProperty("java.io.tmpdir")));
        try {
            if (!Files.isDirectory(workDir)) {
                Files.createDirectories(workDir, ExecDirs.OWNER_ONLY);
            }
            journal = Journal.open(workDir.resolve("journal"));
            watcher = new SpoolWatcher(scheduler, threads("watch"));
            executions = new Executions(journal, context(execRoot, workDir.resolve("runs")), config.maxConcurrent());
            Set<String> reattached = executions.recover();
            ExecDirs.deleteStale(execRoot, reattached);
            prepareRunAsRoot(runAsRoot, reattached);
        } catch (IOException e) {
            throw new UncheckedIOException("work dir " + workDir + " is unusable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
        session = new Session(channels, this::hello, queue, executions, renewal, scheduler, threads("session"));
        LOG.info(() -> "Starting agent " + version() + ": " + config);
        session.start();
    }

    /**
     * The executions' shared context. On Linux the scripts run through setsid (and setpriv for
     * run-as users, whose exec dirs live under {@code runAsRoot}); on Windows through PowerShell.
     */
    private ExecContext context(Path execRoot, Path runsRoot) {
        ProcessSpawner spawner = new ProcessSpawner();
        ScriptLauncher launcher;
        TreeKiller killer;
        if (WINDOWS) {
            launcher = new WindowsScriptLauncher(spawner);
            killer = new WindowsTreeKiller(spawner);
        } else {
            launcher = new PosixScriptLauncher(spawner, new Accounts(spawner), config.hostNamespaces());
            killer = new PosixTreeKiller(spawner);
        }
        SpoolContext spool = new SpoolContext(runsRoot, watcher, new HolePuncher(spawner, workers), config.spoolMaxBytes());
        return new ExecContext(queue, launcher, killer, workers, scheduler, new ScriptDownloader(), new BlobClient(),
                execRoot, runAsRoot, config.killGrace(), spool, config.policy());
    }

    /**
     * Prepares the run-as exec root when the agent is root (on Linux), keeping the exec dirs of
     * reattached scripts; without it run-as scripts fail to start.
     */
    private static void prepareRunAsRoot(Path runAsRoot, Set<String> keep) {
        if (WINDOWS || !Accounts.agentIsRoot()) {
            return;
        }
        try {
            ExecDirs.prepareTraversable(runAsRoot, keep);
        } catch (IOException e) {
            LOG.warning(() -> "Scripts cannot run as other users: " + e.getMessage());
        }
    }

    /**
     * Stops: no further Run is taken; in detach mode running scripts are left running with their
     * state dirs (the next agent on this work dir takes them over), in cancel mode their process trees
     * are ended (TERM, 2 s grace, KILL) and reported as Exited{CANCELED, "agent stopped"}. Then queued
     * messages get about a second to leave, and the session and the channels are closed. Safe to call
     * more than once and before {@link #start()}.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            stopExecutions();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release();
            terminated.countDown();
        }
    }

    /** Blocks until {@link #close()} finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** The session's state, for health reporting. */
    public SessionState sessionState() {
        return session == null ? SessionState.IDLE : session.state();
    }

    /** The outbound queue, for its bound and high-water mark. */
    public OutboundQueue outboundQueue() {
        return queue;
    }

    private void stopExecutions() throws InterruptedException {
        if (executions == null) {
            return;
        }
        if (stopMode() == StopMode.DETACH) {
            int left = executions.detachAll(DETACH_LAUNCH_WAIT);
            LOG.info(() -> "Agent stopping: " + left + " script(s) left running for the next agent to take over");
        } else {
            executions.stopAll(STOP_GRACE, STOP_GRACE.plusSeconds(2));
        }
        queue.awaitEmpty(STOP_FLUSH);
    }

    /**
     * The configured stop mode; on Windows always cancel, as a script there cannot be taken over by
     * the next agent (no exit-code wrapper) and would be reported lost while it runs on.
     */
    private StopMode stopMode() {
        if (WINDOWS && config.stopMode() == StopMode.DETACH) {
            LOG.info("Stop mode detach is not available on Windows; running scripts are ended instead");
            return StopMode.CANCEL;
        }
        return config.stopMode();
    }

    private void release() {
        if (session != null) {
            session.stop();
        }
        if (watcher != null) {
            watcher.close();
        }
        workers.shutdownNow();
        scheduler.shutdownNow();
        removeRunAsRootIfEmpty();
        channels.forEach(ManagedChannel::shutdown);
        try {
            for (ManagedChannel channel : channels) {
                if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            }
            if (journal != null) {
                journal.close();
            }
        } catch (InterruptedException e) {
            channels.forEach(ManagedChannel::shutdownNow);
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warning(() -> "Closing the journal failed: " + e.getMessage());
        }
    }

    /** Removes the run-as exec root when nothing is left in it, so that stopped agents leave no litter. */
    private void removeRunAsRootIfEmpty() {
        try {
            if (runAsRoot != null) {
                Files.deleteIfExists(runAsRoot);
            }
        } catch (IOException e) {
            LOG.fine(() -> "Run-as exec root kept: " + e.getMessage());
        }
    }

    private Hello hello() {
        return Hello.newBuilder()
                .setMachine(config.machine())
                .setOsName(System.getProperty("os.name", ""))
                .setOsVersion(System.getProperty("os.version", ""))
                .setAgentVersion(version())
                .addAllCapabilities(WINDOWS ? WINDOWS_CAPABILITIES : LINUX_CAPABILITIES)
                .setProtocolVersion(PROTOCOL_VERSION)
                .addAllHeld(executions.held())
                .setHostName(config.hostName())
                .setPolicySummary(config.policy() == AgentPolicy.NONE ? "" : config.policy().summary())
                .putAllTags(config.tags())
                .build();
    }

    /** The jar's Implementation-Version, or "0.1.0" when run from classes. */
    static String version() {
        String version = Agent.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0" : version;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "runcmd-" + name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
