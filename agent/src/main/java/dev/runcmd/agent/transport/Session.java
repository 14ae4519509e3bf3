package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.Welcome;
import io.grpc.Channel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's session with a gateway: opens {@code AgentService.Connect}, sends Hello, waits for
 * Welcome, then lets queued messages flow (each execution's unacknowledged progress replayed first)
 * and sends heartbeats. When the stream ends, or Welcome does not come within
 * {@link #WELCOME_TIMEOUT}, it reconnects after a {@link Backoff} delay (reset by each Welcome),
 * forever, until {@link #stop()}. A gateway that ends the stream with UNAVAILABLE "gateway shutting
 * down" is left at once, after a small jitter only ({@link #SHUTDOWN_JITTER}).
 *
 * <p>Several gateways: the session is given one channel per configured gateway address, and each
 * connection attempt uses the next one, round robin (after a failed connect or a broken session).
 * A channel whose host name resolves to several addresses tries them itself (grpc's DNS resolver
 * with pick_first).
 *
 * <p>Certificate renewal rides on the open stream: each heartbeat tick asks the {@link CertificateRenewal} whether
 * a Renew is due, its answer (Renewed) is handed back on the control thread, and a renewal never ends the stream.
 *
 * <p>Threading: state changes happen under this object's monitor, from gRPC callback threads and
 * the scheduler; commands (Run, Cancel, Ack) and Renewed are handed to the {@link SessionControl} thread.
 */
public final class Session {
    /** How long a new stream may wait for Welcome before it is abandoned. */
    static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(10);
    /** Heartbeat period used when Welcome does not give one. */
    static final long DEFAULT_HEARTBEAT_SECONDS = 30;
    /**
     * How many written bytes the transport may hold before the stream reports not ready. gRPC's
     * default (32 KiB) is less than one full Output, so the sender would wait for an on-ready
     * callback after every chunk; 256 KiB keeps a few chunks in flight with fewer hand-offs.
     */
    static final int TRANSPORT_BUFFER_BYTES = 256 * 1024;
    /** The most a reconnect waits after a gateway announced its shutdown (spreads a fleet a little). */
    static final Duration SHUTDOWN_JITTER = Duration.ofMillis(250);
    /** The description a gateway gives with UNAVAILABLE when it shuts down on purpose. */
    static final String SHUTTING_DOWN = "gateway shutting down";

    private static final Logger LOG = Logger.getLogger(Session.class.getName());

    private final List<? extends Channel> channels;
    private final Supplier<Hello> hello;
    private final OutboundQueue queue;
    private final CertificateRenewal renewal;
    private final ScheduledExecutorService scheduler;
    private final SessionControl control;
    private final StreamWriter writer = new StreamWriter();
    private final Thread sender;
    private final Backoff backoff = new Backoff(); // guarded by this
    private SessionState state = SessionState.IDLE; // guarded by this
    private SessionCall current; // guarded by this; the live call, null while backing off or closed
    private ScheduledFuture<?> timer; // guarded by this; welcome timeout, heartbeat or reconnect
    private int attempts; // guarded by this; connection attempts so far, picks the channel

    /**
     * Creates a session over {@code channels} (one per gateway address, tried in turn). The channels
     * and scheduler are borrowed (the caller shuts them down); the session owns its sender thread and
     * control thread, both made by {@code threads}.
     */
    public Session(List<? extends Channel> channels, Supplier<Hello> hello, OutboundQueue queue,
            GatewayHandler handler, CertificateRenewal renewal, ScheduledExecutorService scheduler,
            ThreadFactory threads) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("at least one gateway channel is needed");
        }
        this.channels = List.copyOf(channels);
        this.hello = hello;
        this.queue = queue;
        this.renewal = renewal;
        this.scheduler = scheduler;
        this.control = new SessionControl(handler, renewal, threads);
        this.sender = threads.newThread(new OutboundSender(queue, writer));
    }

    /** Starts the sender and the first connection attempt. */
    public synchronized void start() {
        if (state != SessionState.IDLE) {
            throw new IllegalStateException("session already started: " + state);
        }
        sender.start();
        connect();
    }

    /**
     * Stops for good: half-closes the current stream, cancels timers, and stops the sender and
     * control threads (interrupting a blocked command). Queued messages are not sent any more.
     */
    public void stop() {
        synchronized (this) {
            state = SessionState.CLOSED;
            cancelTimer();
            if (current != null) {
                writer.complete(current);
                current = null;
            }
        }
        sender.interrupt();
        control.stop();
    }

    /** The session's current lifecycle state. */
    public synchronized SessionState state() {
        return state;
    }

    private synchronized void connect() {
        if (state == SessionState.CLOSED) {
            return;
        }
        SessionCall call = new SessionCall(this, backoff.attempts() + 1);
        Channel channel = channels.get(attempts++ % channels.size());
        current = call;
        state = SessionState.CONNECTING;
        LOG.fine(() -> "Connecting to gateway " + channel.authority() + ", attempt " + call.attempt());
        AgentServiceGrpc.newStub(channel).withOnReadyThreshold(TRANSPORT_BUFFER_BYTES).connect(call);
        writer.writeFirst(call, AgentMessage.newBuilder().setHello(hello.get()).build());
        timer = scheduler.schedule(() -> onWelcomeTimeout(call), WELCOME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onReady() {
        writer.onReady();
    }

    void onMessage(SessionCall call, GatewayMessage message) {
        switch (message.getKindCase()) {
            case WELCOME -> onWelcome(call, message.getWelcome());
            case RUN, CANCEL, ACK, RENEWED -> control.dispatch(call, message);
            default -> call.requestNext();
        }
    }

    private synchronized void onWelcome(SessionCall call, Welcome welcome) {
        if (call != current || state != SessionState.CONNECTING) {
            LOG.warning("Ignoring an unexpected Welcome");
            call.requestNext();
            return;
        }
        cancelTimer();
        state = SessionState.OPEN;
        backoff.reset();
        queue.rewind();
        writer.open(call);
        long period = welcome.getHeartbeatIntervalSeconds() > 0 ? welcome.getHeartbeatIntervalSeconds() : DEFAULT_HEARTBEAT_SECONDS;
        timer = scheduler.scheduleAtFixedRate(this::beat, period, period, TimeUnit.SECONDS);
        LOG.info(() -> "Connected to gateway " + welcome.getGatewayId() + ", session " + welcome.getSessionId());
        call.requestNext();
    }

    private void beat() {
        Heartbeat beat = Heartbeat.newBuilder().setTimeMillis(System.currentTimeMillis()).build();
        queue.offer(AgentMessage.newBuilder().setHeartbeat(beat).build());
        renewal.tick(queue);
    }

    private synchronized void onWelcomeTimeout(SessionCall call) {
        if (call == current && state == SessionState.CONNECTING) {
            writer.cancel(call, "no Welcome within " + WELCOME_TIMEOUT.toSeconds() + " s");
            reconnectLater(call, Status.DEADLINE_EXCEEDED.withDescription("no Welcome within "
                    + WELCOME_TIMEOUT.toSeconds() + " s"));
        }
    }

    synchronized void onEnded(SessionCall call, Status status) {
        call.markEnded();
        if (call == current) {
            reconnectLater(call, status);
        }
    }

    /** Ends {@code call}'s turn and schedules the next attempt; the one place retry is decided. */
    private void reconnectLater(SessionCall call, Status status) {
        writer.detach(call);
        cancelTimer();
        current = null;
        if (state == SessionState.CLOSED) {
            return;
        }
        renewal.onStreamEnded();
        boolean refused = isRefusal(status);
        boolean wasOpen = state == SessionState.OPEN;
        Duration delay = refused ? Backoff.CAP : isShutdown(status) ? smallJitter() : backoff.next();
        if (refused) {
            backoff.next();
        }
        state = SessionState.BACKING_OFF;
        LOG.log(level(status), () -> (wasOpen ? "Gateway session ended" : "Gateway not reachable")
                + " (" + describe(status) + "); attempt " + call.attempt() + ", reconnecting in "
                + delay.toMillis() + " ms");
        timer = scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A refusal will not go away by retrying soon (bad identity or protocol), so the agent waits the
     * longest backoff delay (an enrollment gives up); everything else (UNAVAILABLE, CANCELLED, OK, ...)
     * is transient.
     */
    public static boolean isRefusal(Status status) {
        return switch (status.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED, FAILED_PRECONDITION, INVALID_ARGUMENT, UNIMPLEMENTED -> true;
            default -> false;
        };
    }

    /**
     * How an ended stream is logged: a refused identity (a revoked machine, a certificate the gateway does not
     * accept) as SEVERE, as only an operator can fix it; other refusals as WARNING; the rest as INFO.
     */
    private static Level level(Status status) {
        return switch (status.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> Level.SEVERE;
            default -> isRefusal(status) ? Level.WARNING : Level.INFO;
        };
    }

    /** The gateway went away on purpose; its peers are fine, so the agent moves on at once. */
    private static boolean isShutdown(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE && status.getDescription() != null
                && status.getDescription().contains(SHUTTING_DOWN);
    }

    private static Duration smallJitter() {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(SHUTDOWN_JITTER.toMillis() + 1));
    }

    /**
     * The status for a one-line log record: its code, the first line of its description and the message of
     * its cause (a refused connection, or a TLS failure: the gateway's certificate is not trusted, say).
     */
    public static String describe(Status status) {
        String description = status.getDescription();
        String text = description == null ? status.getCode().toString()
                : status.getCode() + ": " + description.lines().findFirst().orElse("");
        Throwable cause = status.getCause();
        if (cause == null) {
            return text;
        }
        StringBuilder causes = new StringBuilder(text).append(" (").append(message(cause));
        // A TLS failure says why only deep down: "General OpenSslEngine problem", caused by the trust manager's
        // "PKIX path building failed", caused by what the path lacked.
        for (Throwable deeper = cause.getCause(); deeper != null && deeper != cause; deeper = deeper.getCause()) {
            causes.append(": ").append(message(deeper));
            cause = deeper;
        }
        return causes.append(")").toString();
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
