package dev.runcmd.gateway.dispatch;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.ExecutionStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The safety net for lost Dispatch calls and missed session ends, run every sweep interval.
 *
 * <p>A sweep first puts orphaned Dispatched executions (their session is gone from every
 * gateway and the agent never accepted them) back to Pending, then delivers Pending work to
 * every machine held here that has some. A sweep that fails is logged and the next one retries;
 * sweeps never overlap.
 */
@Singleton
public final class DeliverySweep {

    private static final Logger LOG = Logger.getLogger(DeliverySweep.class);

    private final SessionRegistry registry;
    private final ExecutionStore executions;
    private final Dispatcher dispatcher;
    private final Duration interval;

    public DeliverySweep(SessionRegistry registry, ExecutionStore executions, Dispatcher dispatcher,
                         GatewayConfig config) {
        this.registry = registry;
        this.executions = executions;
        this.dispatcher = dispatcher;
        this.interval = config.sweepInterval();
    }

    void schedule(@Observes StartupEvent started, Scheduler scheduler) {
        scheduler.newJob("runcmd-delivery-sweep")
                .setInterval(interval.toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> sweep().replaceWithVoid()
                        .onFailure().invoke(failure -> LOG.warnf("Delivery sweep failed: %s", failure.getMessage()))
                        .onFailure().recoverWithNull())
                .schedule();
    }

    /** Runs one sweep; emits how many executions it delivered. */
    public Uni<Integer> sweep() {
        return executions.requeueOrphans(interval)
                .invoke(requeued -> logRequeued(requeued))
                .chain(() -> deliverToMachinesWithPending());
    }

    private Uni<Integer> deliverToMachinesWithPending() {
        return dispatcher.deliverPending(registry.all());
    }

    private static void logRequeued(int requeued) {
        if (requeued > 0) {
            LOG.infof("Sweep put %d orphaned execution(s) back to Pending", requeued);
        }
    }
}
