package dev.runcmd.gateway.watchdog;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.store.WatchdogStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Ends executions that no event will ever end, every sweep interval (see {@link WatchdogStore}):
 *
 * <ul>
 *   <li>delivered, with a timeout, and no exit within timeoutInSeconds plus
 *       {@code runcmd.gateway.watchdog-grace}: Failed, the outcome is unknown;
 *   <li>delivered, without a timeout, its machine Disconnected for longer than
 *       {@code runcmd.gateway.lost-after}: Failed, the outcome is unknown;
 *   <li>Pending past its {@code deliver_by} (set by control-api from the command's delivery
 *       timeout): Failed "not delivered: machine offline".
 * </ul>
 *
 * <p>Every gateway runs it; the statements are guarded by state, so concurrent runs end each
 * execution once. A later Exited from the agent changes nothing (the first terminal state wins).
 * Runs never overlap; a failed run is logged and the next one retries. One run ends at most
 * {@link #BATCH} executions per rule; the rest wait for the next run.
 */
@Singleton
public final class ExecutionWatchdog {

    /** The most executions one run ends per rule. */
    static final int BATCH = 500;

    private static final Logger LOG = Logger.getLogger(ExecutionWatchdog.class);

    private final WatchdogStore store;
    private final Duration interval;
    private final Duration grace;
    private final Duration lostAfter;

    public ExecutionWatchdog(WatchdogStore store, GatewayConfig config) {
        this.store = store;
        this.interval = config.sweepInterval();
        this.grace = config.watchdogGrace();
        this.lostAfter = config.lostAfter();
    }

    void schedule(@Observes StartupEvent started, Scheduler scheduler) {
        scheduler.newJob("runcmd-execution-watchdog")
                .setInterval(interval.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> run().replaceWithVoid()
                        .onFailure().invoke(failure -> LOG.warnf("Execution watchdog failed: %s", failure.getMessage()))
                        .onFailure().recoverWithNull())
                .schedule();
    }

    /** Applies every rule once; emits how many executions it ended. */
    public Uni<Integer> run() {
        return store.endUndelivered(BATCH).invoke(ended -> log(ended, "not delivered before their deadline"))
                .chain(undelivered -> store.endOverdue(grace, BATCH)
                        .invoke(ended -> log(ended, "past their timeout plus " + grace.toSeconds() + " s of grace"))
                        .map(overdue -> undelivered + overdue))
                .chain(sum -> store.endLost(lostAfter, BATCH)
                        .invoke(ended -> log(ended, "whose machine was disconnected for over " + lostAfter))
                        .map(lost -> sum + lost));
    }

    private static void log(int ended, String why) {
        if (ended > 0) {
            LOG.infof("Watchdog ended %d execution(s) as Failed: %s", ended, why);
        }
    }
}
