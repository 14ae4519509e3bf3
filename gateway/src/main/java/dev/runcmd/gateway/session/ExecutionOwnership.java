package dev.runcmd.gateway.session;

import dev.runcmd.gateway.store.ExecutionFacts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What one session knows about the executions its agent reports on: whether each belongs to the
 * session's machine, and how far each output stream is accounted for (stored or dropped, plus
 * what this session already accepted for storing). It lets the gateway refuse reports about
 * another machine's executions and Output that would leave a gap, without a query per message.
 *
 * <p>Bounded: at most {@link #CAPACITY} executions, least recently used evicted first. The bound
 * is far above the ingest window, so an execution in a unit being stored cannot be evicted before
 * the next unit is checked (a re-read after eviction could otherwise miss bytes not yet
 * committed). An execution absent from the store (deleted with its run command, while its agent
 * still reports on it) counts as owned, so its reports are acknowledged and dropped.
 *
 * <p>Thread-safe: every method is synchronized.
 */
public final class ExecutionOwnership {

    /** The most executions remembered per session. */
    public static final int CAPACITY = 1024;

    private final long machineId;
    private final Map<UUID, Known> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Known> eldest) {
            return size() > CAPACITY;
        }
    };

    ExecutionOwnership(long machineId) {
        this.machineId = machineId;
    }

    /** The ids among {@code ids} this session knows nothing about yet (to be looked up). */
    public synchronized List<UUID> unknown(Collection<UUID> ids) {
        List<UUID> unknown = new ArrayList<>();
        for (UUID id : ids) {
            if (!known.containsKey(id) && !unknown.contains(id)) {
                unknown.add(id);
            }
        }
        return unknown;
    }

    /** Records what the store says about an execution; empty facts: it does not exist. */
    public synchronized void learn(UUID id, Optional<ExecutionFacts> facts) {
        known.putIfAbsent(id, facts.map(f -> new Known(f.machineId() == machineId, f.stdoutEnd(), f.stderrEnd()))
                .orElseGet(() -> new Known(true, -1, -1)));
    }

    /** True when the execution belongs to this machine or does not exist; it must have been learnt. */
    public synchronized boolean owns(UUID id) {
        Known execution = known.get(id);
        return execution != null && execution.owned;
    }

    /**
     * Accepts a chunk of {@code stream} (1 stdout, 2 stderr) at [{@code offset}, {@code end}) for
     * storing, unless it starts past the end of what is accounted for: then returns that end (the
     * gap starts there) and accepts nothing. An execution that does not exist accepts any chunk.
     */
    public synchronized OptionalLong accept(UUID id, int stream, long offset, long end) {
        Known execution = known.get(id);
        if (execution == null || execution.stdoutEnd < 0) {
            return OptionalLong.empty();
        }
        long through = stream == 1 ? execution.stdoutEnd : execution.stderrEnd;
        if (offset > through) {
            return OptionalLong.of(through);
        }
        if (stream == 1) {
            execution.stdoutEnd = Math.max(through, end);
        } else {
            execution.stderrEnd = Math.max(through, end);
        }
        return OptionalLong.empty();
    }

    /** One execution as this session knows it; ends are -1 when it does not exist. */
    private static final class Known {
        final boolean owned;
        long stdoutEnd;
        long stderrEnd;

        Known(boolean owned, long stdoutEnd, long stderrEnd) {
            this.owned = owned;
            this.stdoutEnd = stdoutEnd;
            this.stderrEnd = stderrEnd;
        }
    }
}
