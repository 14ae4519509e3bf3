package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt at a session: one {@code AgentService.Connect} stream. Its callbacks go to the
 * {@link Session}, which ignores those of any call but its current one.
 *
 * <p>Inbound flow control is manual: one message is requested at a time and the next only after
 * the previous was handled, so a gateway cannot make the agent queue commands without bound.
 */
final class SessionCall implements ClientResponseObserver<AgentMessage, GatewayMessage> {
    private final Session session;
    private final int attempt;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile ClientCallStreamObserver<AgentMessage> stream;

    SessionCall(Session session, int attempt) {
        this.session = session;
        this.attempt = attempt;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
        stream = requestStream;
        requestStream.disableAutoRequestWithInitial(1);
        requestStream.setOnReadyHandler(session::onReady);
    }

    @Override
    public void onNext(GatewayMessage message) {
        session.onMessage(this, message);
    }

    @Override
    public void onError(Throwable t) {
        session.onEnded(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        session.onEnded(this, Status.OK.withDescription("the gateway ended the stream"));
    }

    /** The outbound side of the stream; set before the call starts. */
    ClientCallStreamObserver<AgentMessage> stream() {
        return stream;
    }

    /** Asks the gateway for the next message; safe from any thread. */
    void requestNext() {
        stream.request(1);
    }

    /** Which connection attempt (from 1) since the last Welcome this call is. */
    int attempt() {
        return attempt;
    }

    /**
     * Marks the call as ended; returns true only the first time. Whoever gets true may half-close
     * or cancel it; nobody touches a call after that, as gRPC forbids writes to a cancelled call.
     */
    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }

    /** True once {@link #markEnded()} was called. */
    boolean isEnded() {
        return ended.get();
    }
}
