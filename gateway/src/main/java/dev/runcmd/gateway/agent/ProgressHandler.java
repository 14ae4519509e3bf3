package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.dispatch.Dispatcher;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.store.ExitReport;
import dev.runcmd.gateway.store.OutputLane;
import dev.runcmd.gateway.store.ProgressStore;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Rejected;
import dev.runcmd.state.ExecutionState;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Stores what an open session's agent reports, and acknowledges Output and Exited once stored.
 *
 * <p>The returned Uni completes when the message's store work is committed and its Ack (if any)
 * is queued; it fails with the status that must end the stream: UNAVAILABLE for a store
 * failure; INVALID_ARGUMENT for a second Hello, an empty message or a malformed Output;
 * PERMISSION_DENIED for an execution id that is not a UUID or belongs to another machine;
 * FAILED_PRECONDITION for Output that would leave a gap. A message about an execution that no
 * longer exists (deleted with its run command) counts as stored.
 */
@Singleton
final class ProgressHandler {

    private final ProgressStore progress;
    private final OutputIngest outputs;
    private final GatewayIdentity identity;
    private final Dispatcher dispatcher;
    private final OwnershipCheck ownership;
    private final Renewal renewal;

    ProgressHandler(ProgressStore progress, OutputIngest outputs, GatewayIdentity identity, Dispatcher dispatcher,
                    OwnershipCheck ownership, Renewal renewal) {
        this.renewal = renewal;
        this.ownership = ownership;
        this.progress = progress;
        this.outputs = outputs;
        this.identity = identity;
        this.dispatcher = dispatcher;
    }

    /** A lane for the output of one new stream (see {@link OutputIngest}). */
    OutputLane lane() {
        return outputs.lane();
    }

    /**
     * Handles one unit of messages after Hello (see {@link Inbox}): a run of Outputs, stored
     * together through the stream's {@code lane}, or a single other message. See the class
     * comment for completion and failure.
     */
    Uni<Void> handle(AgentSession session, List<AgentMessage> unit, OutputLane lane) {
        return unit.get(0).hasOutput() ? outputs.handle(session, unit, lane) : handle(session, unit.get(0));
    }

    private Uni<Void> handle(AgentSession session, AgentMessage message) {
        return switch (message.getKindCase()) {
            case HELLO -> fail(Status.INVALID_ARGUMENT.withDescription("Hello was already received on this stream"));
            case ACCEPTED -> withId(session, message.getAccepted().getExecutionId(),
                    id -> progress.accept(id, identity.id(), session.sessionId(), message.getAccepted().getMessage()));
            case REJECTED -> reject(session, message.getRejected());
            case STARTED -> withId(session, message.getStarted().getExecutionId(),
                    id -> progress.start(id, identity.id(), session.sessionId()));
            case OUTPUT -> fail(Status.INTERNAL.withDescription("Output is stored by its unit, not alone"));
            case EXITED -> exit(session, message.getExited());
            case HEARTBEAT -> Uni.createFrom().voidItem();
            case RENEW -> renewal.renew(session, message.getRenew());
            case KIND_NOT_SET -> fail(Status.INVALID_ARGUMENT.withDescription("message has no kind set"));
        };
    }

    private Uni<Void> reject(AgentSession session, Rejected rejected) {
        return withId(session, rejected.getExecutionId(), id -> rejected.getDuplicate() ? Uni.createFrom().voidItem()
                : progress.reject(id, "Rejected by agent: " + rejected.getReason()));
    }

    private Uni<Void> exit(AgentSession session, Exited exited) {
        ExecutionState state = ExitStates.toState(exited.getState());
        String message = exited.getMessage().isEmpty() ? ExitStates.defaultMessage(state) : exited.getMessage();
        ExitReport report = new ExitReport(state, exited.getExitCode(), message,
                exited.getStdoutBytes(), exited.getStderrBytes());
        return withId(session, exited.getExecutionId(), id -> progress.exit(id, report))
                // Its end may have released executions waiting for it (dependsOn); the sweep is the safety net.
                .invoke(() -> dispatcher.deliver(session).subscribe().with(sent -> { }, failure -> { }))
                .invoke(() -> session.ack(Ack.newBuilder()
                        .setExecutionId(exited.getExecutionId())
                        .setExited(true)
                        .build()));
    }

    /** Runs {@code work} once the session may report on the execution (see {@link OwnershipCheck}). */
    private Uni<Void> withId(AgentSession session, String executionId, Function<UUID, Uni<Void>> work) {
        return ownership.verify(session, executionId).chain(id -> work.apply(id));
    }

    private static Uni<Void> fail(Status status) {
        return Uni.createFrom().failure(status.asRuntimeException());
    }
}
