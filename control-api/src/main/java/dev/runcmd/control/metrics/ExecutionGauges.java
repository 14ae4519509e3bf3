package dev.runcmd.control.metrics;

import dev.runcmd.control.store.Sql;
import dev.runcmd.control.store.StoreFailures;
import dev.runcmd.state.ExecutionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The gauges read from PostgreSQL: {@code runcmd_executions{state}}, the executions not yet ended by state (Pending,
 * Dispatched, Running), and {@code runcmd_store_up}, whether the last read reached PostgreSQL; plus the counter
 * {@code runcmd_store_outages_total}, how many times a read found PostgreSQL unreachable after one that did not.
 *
 * <p>One query every {@code runcmd.metrics.refresh-interval} (15 s), off any request's path: it counts only
 * the unfinished states, which the partial indexes on {@code execution} cover, so its cost follows the work in
 * flight, not the history. Ended executions are counted by {@code runcmd_execution_put_to_terminal_seconds_count}
 * on the gateways. When a read fails the execution gauges show NaN until the next one succeeds, never a stale number.
 * Every replica reads the same rows: aggregate the gauges with {@code max}, not {@code sum}.
 */
@ApplicationScoped
@Startup // registers its meters at start
public class ExecutionGauges {

    private static final Logger LOG = Logger.getLogger(ExecutionGauges.class);

    /** The states counted, in the order shown. */
    static final List<ExecutionState> UNFINISHED =
            List.of(ExecutionState.PENDING, ExecutionState.DISPATCHED, ExecutionState.RUNNING);

    private static final String COUNT_UNFINISHED = """
            select state, count(*) as executions from execution
            where state in ('Pending', 'Dispatched', 'Running') group by state""";

    /** Gauge values; -1 stands for unknown (the last read failed) and is shown as NaN. */
    private final Map<ExecutionState, AtomicLong> counts = new EnumMap<>(ExecutionState.class);
    /** 1 up, 0 down, -1 not read yet (NaN). */
    private final AtomicInteger storeUp = new AtomicInteger(-1);
    private final Counter outages;
    private final Sql sql;

    ExecutionGauges(Sql sql, MeterRegistry registry) {
        this.sql = sql;
        for (ExecutionState state : UNFINISHED) {
            AtomicLong count = new AtomicLong(-1);
            counts.put(state, count);
            Gauge.builder("runcmd.executions", count, ExecutionGauges::orNaN)
                    .description("Executions not yet ended, by state, as last read from PostgreSQL (every "
                            + "runcmd.metrics.refresh-interval); NaN while PostgreSQL cannot be read")
                    .tag("state", state.stored())
                    .register(registry);
        }
        Gauge.builder("runcmd.store.up", storeUp, up -> up.get() < 0 ? Double.NaN : up.get())
                .description("1 when the control API's last metrics read reached PostgreSQL, 0 when PostgreSQL was "
                        + "unreachable")
                .register(registry);
        this.outages = Counter.builder("runcmd.store.outages")
                .description("Times the control API found PostgreSQL unreachable after having reached it (or at start)")
                .register(registry);
    }

    /** Reads the counts; never fails (a failure is what the gauges then show). */
    @Scheduled(every = "${runcmd.metrics.refresh-interval:15s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return sql.query(COUNT_UNFINISHED, Tuple.tuple())
                .invoke(this::record)
                .onFailure().invoke(this::recordFailure)
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void record(RowSet<Row> rows) {
        Map<ExecutionState, Long> read = new EnumMap<>(ExecutionState.class);
        for (Row row : rows) {
            read.put(ExecutionState.fromStored(row.getString("state")), row.getLong("executions"));
        }
        counts.forEach((state, count) -> count.set(read.getOrDefault(state, 0L)));
        storeUp.set(1);
    }

    private void recordFailure(Throwable failure) {
        counts.values().forEach(count -> count.set(-1));
        if (StoreFailures.isUnreachable(failure)) {
            if (storeUp.getAndSet(0) != 0) {
                outages.increment();
            }
        } else {
            LOG.warnf("Could not read the execution counts for the metrics: %s", failure.toString());
        }
    }

    private static double orNaN(AtomicLong value) {
        long now = value.get();
        return now < 0 ? Double.NaN : now;
    }
}
