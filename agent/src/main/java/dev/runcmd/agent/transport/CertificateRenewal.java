package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Renewed;

/**
 * The machine certificate's renewal, as the session drives it over its stream: on each heartbeat of an open
 * session it may queue a {@code Renew}; the gateway's {@code Renewed} is handed back; and it learns when a stream
 * ended, so that a request lost with it can be made again.
 *
 * <p>Threading: {@link #tick} runs on the session's scheduler and {@link #onStreamEnded} on a gRPC callback thread
 * or the scheduler; both return promptly. {@link #onRenewed} runs on the session's control thread, in order with
 * the gateway's commands, and may block (it writes files).
 */
public interface CertificateRenewal {
    /** No renewal: for sessions without a certificate (in-process tests). */
    CertificateRenewal NONE = new CertificateRenewal() {
        @Override
        public void tick(Outbox outbox) {}

        @Override
        public void onRenewed(Renewed renewed) {}

        @Override
        public void onStreamEnded() {}
    };

    /** The session is open: queues a {@code Renew} on {@code outbox} if one is due and none is in flight. */
    void tick(Outbox outbox);

    /** The gateway answered a {@code Renew}. */
    void onRenewed(Renewed renewed);

    /** The stream ended; an unanswered {@code Renew} is made again later. */
    void onStreamEnded();
}
