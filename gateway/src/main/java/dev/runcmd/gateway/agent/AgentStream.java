package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.Outbox;
import dev.runcmd.gateway.store.StoreFailures;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;

/**
 * The inbound side of one agent's stream.
 *
 * <p>Ordering contract: messages are requested from the transport one at a time
 * ({@code disableAutoRequest}, then {@code request(1)} only after the previous message's store
 * work committed and its Ack was queued). So messages are handled strictly in order, nothing is
 * acknowledged before it is stored, and a slow store back-pressures the agent instead of piling
 * up messages here. The first message must be Hello; it opens the session.
 *
 * <p>Threading: transport callbacks arrive serialized; completions of store work arrive on other
 * threads. Every state field is guarded by {@code this}; session and outbox calls happen outside
 * the lock.
 */
final class AgentStream implements StreamObserver<AgentMessage> {

    private static final Status NOT_HELLO = Status.FAILED_PRECONDITION.withDescription("first message must be Hello");

    private final ServerCallStreamObserver<GatewayMessage> call;
    private final Outbox outbox;
    private final String sessionId;
    private final SessionOpener opener;
    private final ProgressHandler progress;
    private StreamState state = StreamState.AWAITING_HELLO; // guarded by this
    private AgentSession session; // guarded by this
    private boolean handling; // guarded by this
    private boolean halfClosed; // guarded by this

    AgentStream(ServerCallStreamObserver<GatewayMessage> call, Outbox outbox, String sessionId,
                SessionOpener opener, ProgressHandler progress) {
        this.call = call;
        this.outbox = outbox;
        this.sessionId = sessionId;
        this.opener = opener;
        this.progress = progress;
    }

    /** Installs flow control and handlers, and asks for Hello. Call before connect() returns. */
    void start() {
        call.disableAutoRequest();
        call.setOnReadyHandler(outbox::drain);
        call.setOnCancelHandler(() -> end(null));
        call.request(1);
    }

    @Override
    public void onNext(AgentMessage message) {
        Uni<Void> work = begin(message);
        if (work != null) {
            work.subscribe().with(done -> finished(), failure -> end(StoreFailures.toStatus(failure)));
        }
    }

    @Override
    public void onError(Throwable failure) {
        end(null);
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
            if (handling) {
                return;
            }
        }
        end(Status.OK);
    }

    private synchronized Uni<Void> begin(AgentMessage message) {
        if (state == StreamState.CLOSED) {
            return null;
        }
        handling = true;
        if (state == StreamState.AWAITING_HELLO) {
            return open(message);
        }
        session.heard();
        return progress.handle(session, message);
    }

    private Uni<Void> open(AgentMessage message) {
        if (!message.hasHello()) {
            return Uni.createFrom().failure(NOT_HELLO.asRuntimeException());
        }
        var refusal = HelloValidator.refusal(message.getHello());
        if (refusal.isPresent()) {
            return Uni.createFrom().failure(refusal.get().asRuntimeException());
        }
        state = StreamState.OPENING;
        return opener.open(message.getHello(), sessionId, outbox)
                .invoke(this::opened)
                .chain(opener::welcome);
    }

    private void opened(AgentSession opened) {
        synchronized (this) {
            if (state != StreamState.CLOSED) {
                state = StreamState.OPEN;
                session = opened;
                return;
            }
        }
        opened.end(null);
    }

    private void finished() {
        synchronized (this) {
            handling = false;
            if (session != null) {
                session.handled();
            }
            if (state == StreamState.CLOSED) {
                return;
            }
            if (!halfClosed) {
                call.request(1);
                return;
            }
        }
        end(Status.OK);
    }

    /** Ends the stream once with {@code status} (null: the transport already ended it). */
    private void end(Status status) {
        AgentSession ending;
        synchronized (this) {
            if (state == StreamState.CLOSED) {
                return;
            }
            state = StreamState.CLOSED;
            ending = session;
        }
        if (ending != null) {
            ending.end(status);
        } else {
            outbox.close(status);
        }
    }
}
