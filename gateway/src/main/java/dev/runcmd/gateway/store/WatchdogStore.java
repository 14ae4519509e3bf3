package dev.runcmd.gateway.store;

import dev.runcmd.state.Watchdog;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Ends executions that would otherwise hang forever, as Failed with exit code null and a message
 * saying why: delivered ones whose agent never reported an exit (see {@link Watchdog}), and
 * Pending ones whose delivery deadline passed.
 *
 * <p>Each execution ends in its own transaction, exactly like an Exited ends it: the run command
 * row is locked first (the {@link dev.runcmd.state.LockOrder}), the update re-checks the rule under the row
 * lock (so a report that ended it in the meantime wins, and several gateways may run the same
 * sweep at once), the run command's provisioning state is set, and dependents are canceled.
 */
@Singleton
public final class WatchdogStore {

    private final Pool pool;

    public WatchdogStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Ends delivered executions with a timeout that reported no exit within timeout plus
     * {@code grace}, at most {@code limit} of them; emits how many ended.
     */
    public Uni<Integer> endOverdue(Duration grace, int limit) {
        Tuple rule = Tuple.of(grace.toSeconds());
        return endEach(Watchdog.FIND_OVERDUE, rule.addInteger(limit), Watchdog.END_OVERDUE,
                id -> Tuple.of(id, grace.toSeconds()));
    }

    /**
     * Ends delivered executions without a timeout whose machine has been Disconnected for longer
     * than {@code lostAfter}, at most {@code limit} of them; emits how many ended.
     */
    public Uni<Integer> endLost(Duration lostAfter, int limit) {
        return endEach(Watchdog.FIND_LOST, Tuple.of(lostAfter.toSeconds(), limit), Watchdog.END_LOST,
                id -> Tuple.of(id, lostAfter.toSeconds()));
    }

    /** Ends Pending executions past their {@code deliver_by}, at most {@code limit}; emits how many ended. */
    public Uni<Integer> endUndelivered(int limit) {
        return endEach(Watchdog.FIND_UNDELIVERED, Tuple.of(limit), Watchdog.END_UNDELIVERED, Tuple::of);
    }

    /**
     * Ends the delivered executions of {@code machineId} that its agent, saying Hello, did not list
     * as held: an agent holds every execution it accepted until the gateway acknowledged its Exited,
     * so one it does not list was lost with the agent's state (its work directory wiped, the agent
     * reinstalled) and will never be reported. Executions delivered on the new session {@code
     * sessionId} itself are left alone (a Run may reach the agent before this check). Emits how
     * many ended.
     */
    public Uni<Integer> endDisowned(long machineId, String sessionId, Set<UUID> held) {
        UUID[] heldIds = held.toArray(UUID[]::new);
        return endEach(Watchdog.FIND_DISOWNED, Tuple.of(machineId, heldIds, sessionId), Watchdog.END_DISOWNED,
                id -> Tuple.of(id, machineId, heldIds, sessionId));
    }

    private Uni<Integer> endEach(String find, Tuple findValues, String end, Function<UUID, Tuple> endValues) {
        return pool.preparedQuery(find).execute(findValues)
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>(rows.rowCount());
                    rows.forEach(row -> ids.add(row.getUUID("id")));
                    return ids;
                })
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(id -> endOne(id, end, endValues.apply(id)))
                .collect().with(Collectors.summingInt(ended -> ended ? 1 : 0));
    }

    /** Ends one execution if the rule still holds under the lock; emits whether it ended. */
    private Uni<Boolean> endOne(UUID id, String end, Tuple values) {
        return pool.withTransaction(connection -> ProgressStore.lockRunCommand(connection, id)
                .chain(() -> connection.preparedQuery(end).execute(values))
                .call(() -> ProgressStore.releaseDependents(connection, id))
                .map(rows -> rows.rowCount() > 0));
    }
}
