package dev.runcmd.control.output.http;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.FollowSink;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * An HTTP body as a follower's sink: the Multi that Quarkus REST writes to the response. Quarkus REST asks for the
 * next item only once the previous write has reached the socket, so {@link #isReady()} (outstanding demand) is true
 * exactly when a slow client has taken what it was sent; nothing is ever emitted without demand. Called on the
 * follower's context, one call at a time. Subclasses turn their events into bytes of a body format.
 */
abstract class BodyEmitter implements FollowSink {

    private final MultiEmitter<? super byte[]> emitter;
    private final byte[] prologue;
    private boolean prologueSent;

    /** {@code prologue}: bytes sent with the first demand, before anything else (they flush the headers), or null. */
    protected BodyEmitter(MultiEmitter<? super byte[]> emitter, byte[] prologue) {
        this.emitter = emitter;
        this.prologue = prologue;
    }

    @Override
    public final void bind(Runnable onReady, Runnable onClosed) {
        emitter.onRequest(ignored -> onReady.run());
        emitter.onTermination(onClosed);
    }

    @Override
    public final boolean isClosed() {
        return emitter.isCancelled();
    }

    /** Outstanding demand; the prologue goes out with the first demand. */
    @Override
    public final boolean isReady() {
        if (!prologueSent && emitter.requested() > 0) {
            prologueSent = true;
            emit(prologue);
        }
        return emitter.requested() > 0;
    }

    /** Sends bytes; null or empty sends nothing. */
    protected final void emit(byte[] bytes) {
        if (bytes != null && bytes.length > 0) {
            emitter.emit(bytes);
        }
    }

    /** Sends the last bytes, then completes the body. */
    protected final void complete(byte[] last) {
        emit(last);
        emitter.complete();
    }

    /**
     * Sends the format's {@code error} bytes when it has some and the client can take them, then completes.
     * Otherwise the Multi fails: before any byte was sent that is an ARM error response, afterwards the connection
     * is closed.
     */
    protected final void fail(FollowFailure failure, byte[] error) {
        if (error != null && emitter.requested() > 0) {
            complete(error);
            return;
        }
        emitter.fail(switch (failure) {
            case DELETED -> ArmException.resourceNotFound(failure.message());
            case STALLED -> new ArmException(408, "ClientStalled", failure.message());
            case UNAVAILABLE, SHUTTING_DOWN -> new ArmException(503, "ServiceUnavailable", failure.message());
        });
    }
}
