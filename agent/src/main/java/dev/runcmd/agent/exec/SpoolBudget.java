package dev.runcmd.agent.exec;

import java.util.Collection;
import java.util.logging.Logger;

/**
 * The spool bound: output on disk that the gateway has not acknowledged, summed over executions
 * (file size minus acknowledged offset, per stream), may not grow past {@code maxBytes}. Above it the
 * running scripts are held back (SIGSTOP to their process groups): back-pressure, nothing dropped.
 * They run on (SIGCONT) once the sum fell below {@link #RESUME_FRACTION} of the bound, as Acks arrive.
 * A script writing very fast may overshoot the bound by what it writes before the stop reaches it.
 *
 * <p>Threading: {@link #check} is synchronized; it runs on the watcher thread (after output) and on
 * the control thread (after Acks) and may run short {@code kill} helpers.
 */
final class SpoolBudget {
    /** The share of the bound below which held scripts run again. */
    static final double RESUME_FRACTION = 0.75;

    private static final Logger LOG = Logger.getLogger(SpoolBudget.class.getName());

    private final long maxBytes;
    private final long resumeBelow;
    private boolean holding; // guarded by this

    SpoolBudget(long maxBytes) {
        this.maxBytes = maxBytes;
        this.resumeBelow = (long) (maxBytes * RESUME_FRACTION);
    }

    /** Compares the unacknowledged bytes of {@code executions} with the bound; holds back or lets run. */
    synchronized void check(Collection<Execution> executions) throws InterruptedException {
        long total = 0;
        for (Execution e : executions) {
            total += e.tail().unacknowledgedBytes();
        }
        if (total > maxBytes) {
            int held = 0;
            for (Execution e : executions) {
                held += e.holdBack() ? 1 : 0;
            }
            if (held > 0 || !holding) {
                long sum = total;
                int count = held;
                LOG.info(() -> "Spool full: " + sum + " bytes unacknowledged (bound " + maxBytes + "); holding back "
                        + count + " more script(s)");
            }
            holding = true;
        } else if (holding && total < resumeBelow) {
            holding = false;
            for (Execution e : executions) {
                e.letRun();
            }
            long sum = total;
            LOG.info(() -> "Spool below " + resumeBelow + " bytes (" + sum + " unacknowledged); scripts run again");
        }
    }
}
