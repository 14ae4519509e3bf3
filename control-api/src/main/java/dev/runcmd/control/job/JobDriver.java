package dev.runcmd.control.job;

import dev.runcmd.control.dispatch.Dispatcher;
import dev.runcmd.control.store.Sql;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Moves running jobs forward: releases held targets while fewer than maxConcurrency run, stops starting them once
 * more than maxErrors have ended other than Succeeded (those not started end Canceled, saying why), and ends the
 * job once no target is held or active. Every replica ticks; each job is advanced in one transaction that holds its
 * row ({@code FOR UPDATE SKIP LOCKED}), so two replicas never advance the same job at once, and a replica that dies
 * mid-job leaves nothing for the others to repair: the state is only ever in the database.
 *
 * <p>A tick runs every {@code runcmd.jobs.tick} (200 ms) while a job runs, every second otherwise, and at once after a
 * job is created or canceled. One tick runs at a time, and at most one timer is pending: each tick, however it was
 * started, replaces the pending timer with the next, so nudges never add schedules of their own.
 */
@ApplicationScoped
public class JobDriver {

    private static final Logger LOG = Logger.getLogger(JobDriver.class);

    /** The most jobs advanced in one tick; the others wait for the next. */
    private static final int JOBS_PER_TICK = 100;

    private static final Duration IDLE_TICK = Duration.ofSeconds(1);

    private static final long NO_TIMER = -1;

    private final Sql sql;
    private final Dispatcher dispatcher;
    private final Vertx vertx;
    private final Duration tick;
    private final AtomicBoolean ticking = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** The id of the pending timer, or {@link #NO_TIMER}. */
    private final AtomicLong timer = new AtomicLong(NO_TIMER);
    private volatile boolean stopped;

    JobDriver(Sql sql, Dispatcher dispatcher, Vertx vertx, JobConfig config) {
        this.sql = sql;
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.tick = config.tick();
    }

    void start(@Observes StartupEvent started) {
        schedule(IDLE_TICK);
    }

    void stop(@Observes ShutdownEvent stopping) {
        stopped = true;
        long pending = timer.getAndSet(NO_TIMER);
        if (pending != NO_TIMER) {
            vertx.cancelTimer(pending);
        }
    }

    /** Advances the running jobs now (after the current tick, if one runs). */
    public void nudge() {
        if (!ticking.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        run();
    }

    /** Replaces the pending timer, if any, with one that nudges after {@code delay}. */
    private void schedule(Duration delay) {
        if (stopped) {
            return;
        }
        long next = vertx.setTimer(delay.toMillis(), fired -> {
            timer.compareAndSet(fired, NO_TIMER);
            nudge();
        });
        long previous = timer.getAndSet(next);
        if (previous != NO_TIMER) {
            vertx.cancelTimer(previous);
        }
    }

    private void run() {
        again.set(false);
        sql.query(JobSql.RUNNING, Tuple.of(JOBS_PER_TICK))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(ids(rows)))
                .onItem().transformToUniAndConcatenate(this::advance)
                .collect().asList()
                .subscribe().with(advanced -> done(!advanced.isEmpty()), failure -> {
                    LOG.warnf("Advancing jobs failed (retried at the next tick): %s", failure.getMessage());
                    done(true);
                });
    }

    private void done(boolean busy) {
        ticking.set(false);
        if (again.get()) {
            nudge();
        } else {
            schedule(busy ? tick : IDLE_TICK);
        }
    }

    /** Advances one job in one transaction, then dispatches what it released. Never fails. */
    Uni<Boolean> advance(UUID jobId) {
        return sql.transaction(connection -> connection.preparedQuery(JobSql.LOCK_RUNNING).execute(Tuple.of(jobId))
                        .flatMap(locked -> locked.size() == 0
                                ? Uni.createFrom().item(Step.NOTHING)
                                : step(connection, jobId, locked.iterator().next())))
                .invoke(step -> {
                    if (!step.released().isEmpty()) {
                        dispatcher.dispatchAll(step.released().stream()
                                .map(target -> step.scope().machine(target.name())).toList());
                    }
                })
                .replaceWith(true)
                .onFailure().invoke(e -> LOG.warnf("Advancing job %s failed (retried at the next tick): %s",
                        jobId, e.getMessage()))
                .onFailure().recoverWithItem(true);
    }

    private static Uni<Step> step(SqlConnection connection, UUID jobId, Row job) {
        JobScope scope = new JobScope(job.getString("subscription_id"), job.getString("resource_group"),
                job.getString("name"));
        return connection.preparedQuery(JobSql.TALLY).execute(Tuple.of(jobId)).flatMap(rows -> {
            Row tally = rows.iterator().next();
            long held = tally.getLong("held");
            long active = tally.getLong("active");
            long failed = tally.getLong("failed");
            int errorLimit = job.getInteger("error_limit");
            boolean canceled = job.getBoolean("cancel_requested");
            if (held > 0 && canceled) {
                return cancelHeld(connection, jobId, JobWriter.CANCELED_BEFORE_START).replaceWith(Step.NOTHING);
            }
            if (held > 0 && failed > errorLimit) {
                return stopStarting(connection, jobId, failed, job.getString("max_errors"))
                        .replaceWith(Step.NOTHING);
            }
            if (held > 0 && active < job.getInteger("concurrency_limit")) {
                long room = job.getInteger("concurrency_limit") - active;
                return connection.preparedQuery(JobSql.RELEASE)
                        .execute(Tuple.of(jobId, (int) Math.min(room, held), job.getInteger("delivery_timeout_seconds")))
                        .map(released -> new Step(scope, targets(released)));
            }
            if (held == 0 && active == 0) {
                String end = canceled ? "Canceled" : failed > errorLimit ? "Failed" : "Succeeded";
                String message = end.equals("Failed") ? failed + " targets ended other than Succeeded, more than "
                        + "maxErrors (" + job.getString("max_errors") + ")." : "";
                return connection.preparedQuery(JobSql.FINISH)
                        .execute(Tuple.of(jobId, end, canceled ? "Canceled" : "RunCommandJobFailed", message))
                        .replaceWith(Step.NOTHING);
            }
            return Uni.createFrom().item(Step.NOTHING);
        });
    }

    /** Ends the held targets Canceled, saying why, once more than maxErrors targets failed. */
    private static Uni<Void> stopStarting(SqlConnection connection, UUID jobId, long failed,
            String maxErrors) {
        String why = failed + " targets ended other than Succeeded, more than maxErrors (" + maxErrors + ")";
        return connection.preparedQuery(JobSql.STOP)
                .execute(Tuple.of(jobId, "The job started no more targets: " + why + "."))
                .chain(() -> cancelHeld(connection, jobId, "Canceled: the job started no more targets after " + why));
    }

    /** Ends every held target Canceled with {@code message}, their run commands locked first. */
    private static Uni<Void> cancelHeld(SqlConnection connection, UUID jobId, String message) {
        Tuple id = Tuple.of(jobId);
        return connection.preparedQuery(JobSql.LOCK_HELD_COMMANDS).execute(id)
                .chain(() -> connection.preparedQuery(JobSql.TAKE_HELD).execute(id))
                .chain(taken -> JobWriter.cancelPending(connection, taken, message));
    }

    private static List<ResolvedTarget> targets(RowSet<Row> rows) {
        List<ResolvedTarget> targets = new ArrayList<>();
        rows.forEach(row -> targets.add(new ResolvedTarget(row.getLong("machine_id"), row.getString("machine_name"))));
        return targets;
    }

    private static List<UUID> ids(RowSet<Row> rows) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.getUUID("id")));
        return ids;
    }

    /** What one advance decided to dispatch after its commit. */
    private record Step(JobScope scope, List<ResolvedTarget> released) {

        static final Step NOTHING = new Step(null, List.of());
    }
}
