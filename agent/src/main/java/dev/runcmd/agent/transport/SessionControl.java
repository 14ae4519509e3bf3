package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.GatewayMessage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the gateway's commands (Run, Cancel, Ack) and its answers to renewals (Renewed) one at a
 * time, in arrival order, on one thread that is not a gRPC callback thread, so handling may block
 * (journal fsync, process start, a full outbox, writing the renewed identity). The next message of
 * a stream is requested only after the previous one was handled, so at most one command per stream
 * waits here.
 */
final class SessionControl {
    private static final Logger LOG = Logger.getLogger(SessionControl.class.getName());

    private final GatewayHandler handler;
    private final CertificateRenewal renewal;
    private final ExecutorService thread;

    SessionControl(GatewayHandler handler, CertificateRenewal renewal, ThreadFactory threads) {
        this.handler = handler;
        this.renewal = renewal;
        this.thread = Executors.newSingleThreadExecutor(threads);
    }

    /** Queues {@code message} of {@code call} for handling; returns at once. */
    void dispatch(SessionCall call, GatewayMessage message) {
        try {
            thread.execute(() -> handle(call, message));
        } catch (RejectedExecutionException e) {
            LOG.fine("Dropping a command that arrived while the agent stops");
        }
    }

    /** Stops the thread, interrupting a command that is blocked. */
    void stop() {
        thread.shutdownNow();
    }

    private void handle(SessionCall call, GatewayMessage message) {
        try {
            switch (message.getKindCase()) {
                case RUN -> handler.onRun(message.getRun());
                case CANCEL -> handler.onCancel(message.getCancel());
                case ACK -> handler.onAck(message.getAck());
                case RENEWED -> renewal.onRenewed(message.getRenewed());
                default -> throw new IllegalArgumentException("not a command: " + message.getKindCase());
            }
            call.requestNext();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // One bad command must not stop the agent from handling the next one.
            LOG.log(Level.SEVERE, "Handling " + message.getKindCase() + " failed", e);
            call.requestNext();
        }
    }
}
