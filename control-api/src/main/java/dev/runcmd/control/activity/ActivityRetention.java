package dev.runcmd.control.activity;

import dev.runcmd.control.store.Sql;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Deletes events older than {@code runcmd.activity-log.retention}: at startup and hourly on every replica, in
 * batches of {@value #BATCH} rows, each in a transaction of its own that declares itself the purge
 * ({@code set local runcmd.activity_log_purge = 'on'}), the only way past the table's append-only trigger. Batches
 * keep each transaction short, so a first purge of a large backlog never holds many row locks or a long
 * transaction. Replicas purging at once delete disjoint or already deleted rows; they need no coordination.
 */
@ApplicationScoped
public class ActivityRetention {

    private static final Logger LOG = Logger.getLogger(ActivityRetention.class);

    /** The most rows one transaction deletes. */
    static final int BATCH = 1000;

    private static final String PURGE_ON = "set local runcmd.activity_log_purge = 'on'";
    private static final String DELETE_BATCH = """
            delete from activity_log
             where id in (select id from activity_log where event_timestamp < $1 order by event_timestamp limit $2)
            """;

    private final Sql sql;
    private final Duration retention;

    ActivityRetention(Sql sql, ActivityLogConfig config) {
        if (config.retention().compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("runcmd.activity-log.retention must be at least 1h, not "
                    + config.retention());
        }
        this.sql = sql;
        this.retention = config.retention();
    }

    /** The scheduled purge; a failure is logged and the next run tries again. */
    @Scheduled(every = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPurge() {
        return purge()
                .invoke(deleted -> LOG.debugf("Purged %d activity log events older than %s", deleted, retention))
                .onFailure().invoke(e -> LOG.warnf("Activity log purge failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Deletes every event older than the retention, batch by batch; answers how many. */
    public Uni<Long> purge() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
        return Multi.createBy().repeating().uni(() -> deleteBatch(cutoff))
                .whilst(deleted -> deleted == BATCH)
                .collect().with(Collectors.summingLong(Integer::longValue));
    }

    private Uni<Integer> deleteBatch(OffsetDateTime cutoff) {
        return sql.transaction(connection -> connection.query(PURGE_ON).execute()
                .chain(() -> connection.preparedQuery(DELETE_BATCH).execute(Tuple.of(cutoff, BATCH)))
                .map(rows -> rows.rowCount()));
    }
}
