package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.store.ExecutionState;
import dev.runcmd.gateway.store.ProgressStore;
import dev.runcmd.gateway.store.StoredOffsets;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Rejected;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Stores what an open session's agent reports, and acknowledges Output and Exited once stored.
 *
 * <p>The returned Uni completes when the message's store work is committed and its Ack (if any)
 * is queued; it fails with the status that must end the stream: UNAVAILABLE for a store
 * failure, FAILED_PRECONDITION or INVALID_ARGUMENT for a protocol violation. A message about an
 * execution that does not exist (deleted, or not a UUID) counts as stored.
 */
@Singleton
final class ProgressHandler {

    private final ProgressStore progress;
    private final GatewayIdentity identity;

    ProgressHandler(ProgressStore progress, GatewayIdentity identity) {
        this.progress = progress;
        this.identity = identity;
    }

    /** Handles one message after Hello; see the class comment for completion and failure. */
    Uni<Void> handle(AgentSession session, AgentMessage message) {
        return switch (message.getKindCase()) {
            case HELLO -> fail(Status.FAILED_PRECONDITION.withDescription("Hello was already received on this stream"));
            case ACCEPTED -> withId(message.getAccepted().getExecutionId(),
                    id -> progress.accept(id, identity.id(), session.sessionId()));
            case REJECTED -> reject(message.getRejected());
            case STARTED -> withId(message.getStarted().getExecutionId(),
                    id -> progress.start(id, identity.id(), session.sessionId()));
            case OUTPUT -> output(session, message.getOutput());
            case EXITED -> exit(session, message.getExited());
            case HEARTBEAT, KIND_NOT_SET -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> reject(Rejected rejected) {
        if (rejected.getDuplicate()) {
            return Uni.createFrom().voidItem();
        }
        return withId(rejected.getExecutionId(),
                id -> progress.reject(id, "Rejected by agent: " + rejected.getReason()));
    }

    private Uni<Void> output(AgentSession session, Output output) {
        int stream = output.getStreamValue();
        if (stream != OutputStream.STDOUT_VALUE && stream != OutputStream.STDERR_VALUE) {
            return fail(Status.INVALID_ARGUMENT.withDescription(
                    "output of execution " + output.getExecutionId() + " names no stream"));
        }
        if (output.getOffset() < 0) {
            return fail(Status.INVALID_ARGUMENT.withDescription(
                    "output of execution " + output.getExecutionId() + " has negative offset " + output.getOffset()));
        }
        long end = output.getOffset() + output.getData().size();
        StoredOffsets assumed = stream == OutputStream.STDOUT_VALUE
                ? new StoredOffsets(end, 0)
                : new StoredOffsets(0, end);
        Uni<Optional<StoredOffsets>> stored = ExecutionIds.parse(output.getExecutionId())
                .map(id -> progress.output(id, (short) stream, output.getOffset(), output.getData().toByteArray()))
                .orElseGet(() -> Uni.createFrom().item(Optional.empty()));
        return stored.invoke(offsets -> session.ack(ack(output.getExecutionId(), offsets.orElse(assumed))))
                .replaceWithVoid();
    }

    private Uni<Void> exit(AgentSession session, Exited exited) {
        ExecutionState state = ExitStates.toState(exited.getState());
        String message = exited.getMessage().isEmpty() ? ExitStates.defaultMessage(state) : exited.getMessage();
        return withId(exited.getExecutionId(), id -> progress.exit(id, state, exited.getExitCode(), message))
                .invoke(() -> session.ack(Ack.newBuilder()
                        .setExecutionId(exited.getExecutionId())
                        .setExited(true)
                        .build()));
    }

    private static Uni<Void> withId(String executionId, Function<UUID, Uni<Void>> work) {
        return ExecutionIds.parse(executionId).map(work).orElseGet(() -> Uni.createFrom().voidItem());
    }

    private static Ack ack(String executionId, StoredOffsets offsets) {
        return Ack.newBuilder()
                .setExecutionId(executionId)
                .setStdoutOffset(offsets.stdoutBytes())
                .setStderrOffset(offsets.stderrBytes())
                .build();
    }

    private static Uni<Void> fail(Status status) {
        return Uni.createFrom().failure(status.asRuntimeException());
    }
}
