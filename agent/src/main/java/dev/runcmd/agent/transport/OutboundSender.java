package dev.runcmd.agent.transport;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single consumer of the {@link OutboundQueue}: moves messages, in order, onto whichever
 * stream the {@link StreamWriter} has open, as fast as that stream is ready. It first waits for a
 * ready stream, then takes the next message (a replay before anything new), and reports it written
 * only if it went to that same stream; otherwise it starts over, so a message taken for a stream
 * that broke is never written to the next one ahead of the replay. A message leaves the queue only
 * after it was written, so while no stream is open the queue fills and its producers block. Runs
 * on its own thread until interrupted.
 */
final class OutboundSender implements Runnable {
    private static final Logger LOG = Logger.getLogger(OutboundSender.class.getName());

    private final OutboundQueue queue;
    private final StreamWriter writer;

    OutboundSender(OutboundQueue queue, StreamWriter writer) {
        this.queue = queue;
        this.writer = writer;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                sendHead();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendHead() throws InterruptedException {
        SessionCall call = writer.awaitWritable();
        OutboundQueue.Next next = queue.awaitNext();
        try {
            if (writer.write(call, next.message())) {
                queue.written(next);
            }
        } catch (RuntimeException e) {
            // The writer cancelled that stream; the message stays queued for the next one.
            LOG.log(Level.WARNING, "Writing to the gateway stream failed; will retry on the next stream", e);
        }
    }
}
