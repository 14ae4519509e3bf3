package dev.runcmd.control.output;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Wakes this process's followers when their execution's output or state changes. One LISTEN connection per
 * process receives {@code runcmd_output} notifications (payload: an execution id, sent at commit by the V2
 * triggers, or a job id, sent by the V13 triggers when a job releases targets or ends); each wakes the followers
 * registered for that id: an execution's followers, and a job's followers for the job and its running targets.
 * A once-a-second timer ticks every follower for its stall cut-off, its keepalive and its safety poll, which
 * covers notifications lost while the connection was down.
 *
 * <p>Lost connection (PostgreSQL restarted): the subscriber reconnects with backoff (250 ms doubling to 10 s) and
 * LISTENs again; then every follower is woken once and reads from its offsets, so nothing committed meanwhile is
 * missed.
 *
 * <p>Shutdown: when Quarkus starts shutting down ({@link ShutdownDelayInitiatedEvent}, before it waits up to
 * {@code quarkus.shutdown.timeout} for in-flight requests), every following follower ends with
 * {@link FollowFailure#SHUTTING_DOWN} and followers registered later end at once, so long-lived streams neither
 * hold the shutdown up nor end silently: their clients resume from their last offsets against another replica.
 *
 * <p>Thread-safe: the registry is a concurrent map of concurrent sets; the LISTEN callbacks run on the
 * subscriber's event loop and only call {@link Follower#wake}, which never blocks.
 */
@ApplicationScoped
public class OutputHub {

    /** The notification channel of the V2 triggers. */
    static final String CHANNEL = "runcmd_output";
    /** What follows the execution id in the notification of a chunk too large to carry (V16). */
    private static final String OUTPUT_STORED = " output";

    private static final Logger LOG = Logger.getLogger(OutputHub.class);
    private static final long TICK_MILLIS = 1000;
    private static final long MAX_RECONNECT_DELAY_MILLIS = 10_000;

    private final Vertx vertx;
    private final ListenSettings settings;
    /** Every follower that has not ended, for ticks and shutdown. */
    private final Set<Follower<?>> all = ConcurrentHashMap.newKeySet();
    /** The followers each notification payload wakes. */
    private final ConcurrentHashMap<UUID, Set<Follower<?>>> byId = new ConcurrentHashMap<>();
    /** Notifications that carried a chunk, since start. */
    private final AtomicLong notifiedChunks = new AtomicLong();
    private volatile ListenState state = ListenState.CONNECTING;
    private volatile PgSubscriber subscriber;
    private volatile long timerId = -1;
    private volatile boolean draining;

    OutputHub(Vertx vertx, ListenSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(TICK_MILLIS, ignored -> all.forEach(Follower::tick));
        connect(0);
    }

    /** Shutdown begins: ends every following follower; see the class comment. */
    void onShutdownStarting(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    void stop(@Observes ShutdownEvent event) {
        drain();
        state = ListenState.CLOSED;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        if (subscriber != null) {
            subscriber.closeAndForget();
        }
    }

    /**
     * Registers a follower until {@link #unregister}, woken by the notifications of {@code ids}. During shutdown the
     * follower is told to end as soon as it starts.
     */
    void register(Follower<?> follower, Set<UUID> ids) {
        all.add(follower);
        watch(follower, ids);
        if (draining) {
            follower.shutdown();
        }
    }

    /** Wakes a registered follower for the notifications of {@code ids} too. */
    void watch(Follower<?> follower, Set<UUID> ids) {
        for (UUID id : ids) {
            byId.compute(id, (key, set) -> {
                Set<Follower<?>> result = set == null ? ConcurrentHashMap.newKeySet() : set;
                result.add(follower);
                return result;
            });
        }
    }

    /** No longer wakes the follower for {@code ids}; the last follower of an id removes its entry. */
    void unwatch(Follower<?> follower, Set<UUID> ids) {
        for (UUID id : ids) {
            byId.computeIfPresent(id, (key, set) -> {
                set.remove(follower);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * Tells every follower, now and later, that the application is shutting down. The flag is set before the
     * registry is walked, and {@link #register} checks it after adding, so no follower escapes.
     */
    void drain() {
        if (!draining) {
            draining = true;
            LOG.infof("Shutting down: ending %d output followers so their clients resume elsewhere", all.size());
        }
        all.forEach(Follower::shutdown);
    }

    /** Forgets an ended follower and the ids it was woken for. */
    void unregister(Follower<?> follower, Set<UUID> ids) {
        unwatch(follower, ids);
        all.remove(follower);
    }

    /** The number of followers woken by an id (an execution's, or a job's) on this process that have not ended. */
    public int followerCount(UUID id) {
        Set<Follower<?>> set = byId.get(id);
        return set == null ? 0 : set.size();
    }

    /** How many notifications carried a chunk for a follower of this process, since it started. */
    public long notifiedChunks() {
        return notifiedChunks.get();
    }

    /** How many reads the followers woken by {@code id} on this process that have not ended made so far. */
    public long readsOf(UUID id) {
        Set<Follower<?>> set = byId.get(id);
        return set == null ? 0 : set.stream().mapToLong(Follower::reads).sum();
    }

    /** True while LISTEN is active. */
    public boolean isListening() {
        return state == ListenState.LISTENING;
    }

    /**
     * Connects a new subscriber. A subscriber whose first connection failed cannot be connected again, so each
     * attempt builds its own; once connected, the subscriber reconnects by itself after a loss.
     */
    private void connect(int attempt) {
        if (state == ListenState.CLOSED) {
            return;
        }
        PgSubscriber candidate = PgSubscriber.subscriber(vertx, settings.connectOptions())
                .reconnectPolicy(this::reconnectDelay);
        candidate.channel(CHANNEL).subscribeHandler(this::onListening).handler(this::onNotification);
        subscriber = candidate;
        candidate.connect().subscribe().with(ignored -> LOG.debugf("LISTEN %s connected to %s", CHANNEL, settings),
                failure -> {
                    candidate.closeAndForget();
                    long delay = backoff(attempt);
                    LOG.warnf("LISTEN %s could not connect to %s (%s); retrying in %d ms; followers poll meanwhile",
                            CHANNEL, settings, failure.getMessage(), delay);
                    vertx.setTimer(delay, ignored -> connect(attempt + 1));
                });
    }

    /** Called by the subscriber after a lost connection: the delay before the next attempt, or -1 to stop. */
    private long reconnectDelay(int attempt) {
        if (state == ListenState.CLOSED) {
            return -1;
        }
        if (state == ListenState.LISTENING) {
            state = ListenState.RECONNECTING;
            LOG.warnf("LISTEN %s lost its connection to %s; reconnecting", CHANNEL, settings);
        }
        return backoff(attempt);
    }

    /** 250 ms, doubling per attempt, at most 10 s. */
    private static long backoff(int attempt) {
        return Math.min(MAX_RECONNECT_DELAY_MILLIS, 250L << Math.min(attempt, 6));
    }

    /** LISTEN is (again) active: notifications may have been missed meanwhile, so every follower reads again. */
    private void onListening() {
        if (state == ListenState.RECONNECTING) {
            LOG.infof("LISTEN %s reconnected; waking every follower", CHANNEL);
        }
        state = ListenState.LISTENING;
        all.forEach(Follower::wake);
    }

    /**
     * A payload is an id alone (an execution's or a job's: its state changed), a small stored chunk whose first word
     * is its execution's id (V15: its followers get the chunk, and deliver it without a read when they can), or
     * {@code <id> output} (V16: a larger chunk was stored; only followers that read output are woken).
     */
    private void onNotification(String payload) {
        int space = payload.indexOf(' ');
        UUID id;
        try {
            id = UUID.fromString(space < 0 ? payload : payload.substring(0, space));
        } catch (IllegalArgumentException e) {
            LOG.debugf("Ignoring a %s notification that is not an execution or job id", CHANNEL);
            return;
        }
        Set<Follower<?>> woken = byId.get(id);
        if (woken == null) {
            return;
        }
        if (space >= 0 && payload.length() - space == OUTPUT_STORED.length() && payload.endsWith(OUTPUT_STORED)) {
            woken.forEach(Follower::outputStored);
            return;
        }
        Optional<NotifiedChunk> chunk = space < 0 ? Optional.empty() : NotifiedChunk.parse(payload);
        if (chunk.isPresent()) {
            notifiedChunks.incrementAndGet();
            woken.forEach(follower -> follower.push(chunk.get()));
        } else {
            woken.forEach(Follower::wake);
        }
    }
}
