package dev.runcmd.gateway.session;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The sessions this gateway holds right now, at most one per machine id.
 *
 * <p>The store's {@code agent_session} table is the fleet-wide truth; this is the local view
 * that says which stream to write to. Thread-safe.
 */
@Singleton
public final class SessionRegistry {

    private final ConcurrentMap<Long, AgentSession> sessions = new ConcurrentHashMap<>();

    /** Makes {@code session} the current one of its machine; returns the one it replaced. */
    public Optional<AgentSession> register(AgentSession session) {
        return Optional.ofNullable(sessions.put(session.machineId(), session));
    }

    /** Removes the session only if it is still the current one of its machine. */
    public boolean removeIfCurrent(AgentSession session) {
        boolean removed = sessions.remove(session.machineId(), session);
        if (removed) {
            synchronized (this) {
                notifyAll();
            }
        }
        return removed;
    }

    /** Waits until no session is held or {@code timeout} passed; returns true when none is held. */
    public synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!sessions.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** The current session of a machine, if this gateway holds it. */
    public Optional<AgentSession> find(long machineId) {
        return Optional.ofNullable(sessions.get(machineId));
    }

    /** How many sessions are held now. */
    public int size() {
        return sessions.size();
    }

    /** A snapshot of every session held now. */
    public List<AgentSession> all() {
        return List.copyOf(sessions.values());
    }
}
