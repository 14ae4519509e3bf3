package dev.runcmd.control.operation;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.store.Sql;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes long-running operations nobody can still be waiting for: older than the retention and either final
 * or tracking an execution that has ended or is gone. Runs hourly on every replica; the statement is idempotent,
 * so replicas need no coordination.
 */
@ApplicationScoped
public class OperationSweep {

    private static final Logger LOG = Logger.getLogger(OperationSweep.class);

    private static final String SQL = """
            delete from operation o
             where o.created_at < now() - make_interval(secs => $1)
               and (o.end_time is not null
                    or not exists (select 1 from execution e where e.id = o.execution_id
                                   and e.state in ('Pending', 'Dispatched', 'Running')))
            """;

    private final Sql sql;
    private final Duration retention;

    OperationSweep(Sql sql, ControlConfig config) {
        this.sql = sql;
        this.retention = config.api().operationRetention();
    }

    /** One sweep; a failure is logged and the next sweep tries again. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sql.query(SQL, Tuple.of((double) retention.toSeconds()))
                .invoke(rows -> LOG.debugf("Swept %d old operations", rows.rowCount()))
                .onFailure().invoke(e -> LOG.warnf("Operation sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
