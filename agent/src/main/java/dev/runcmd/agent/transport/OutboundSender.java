package dev.runcmd.agent.transport;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single consumer of the {@link OutboundQueue}: moves messages, in order, onto whichever stream
 * the {@link StreamWriter} has open, as fast as that stream is ready. It waits for a ready stream,
 * takes the next message, and keeps it until it was written. A control message is written on
 * whichever stream comes next; a progress message only on the stream it was taken for: once a newer
 * stream opened it is dropped, as that stream's replay produces it again in order. Runs on its own
 * thread until interrupted.
 */
final class OutboundSender implements Runnable {
    private static final Logger LOG = Logger.getLogger(OutboundSender.class.getName());

    private final OutboundQueue queue;
    private final StreamWriter writer;
    private OutboundQueue.Next pending; // confined to the sender thread

    OutboundSender(OutboundQueue queue, StreamWriter writer) {
        this.queue = queue;
        this.writer = writer;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                sendOne();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendOne() throws InterruptedException {
        SessionCall call = writer.awaitWritable();
        if (pending != null && !queue.isCurrent(pending)) {
            pending = null;
        }
        if (pending == null) {
            pending = queue.awaitNext();
        }
        try {
            if (writer.write(call, pending.message())) {
                queue.written(pending);
                pending = null;
            }
        } catch (RuntimeException e) {
            // The writer cancelled that stream; the message is kept for the next one (or replayed).
            LOG.log(Level.WARNING, "Writing to the gateway stream failed; will retry on the next stream", e);
        }
    }
}
