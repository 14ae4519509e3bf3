package dev.runcmd.gateway.agent;

import com.google.protobuf.ByteString;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.store.OutputChunk;
import dev.runcmd.gateway.store.OutputLane;
import dev.runcmd.gateway.store.OutputStore;
import dev.runcmd.gateway.store.StoredOffsets;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Output;
import io.grpc.Status;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores a unit of consecutive Output messages and acknowledges them: one statement per
 * execution named in the unit (executions in order of first appearance, chunks in arrival
 * order), all sent at once through the stream's {@link OutputLane}, each execution's Ack queued
 * once its statement committed.
 *
 * <p>The Ack covers every byte received, stored or dropped past the output cap, so the agent
 * moves on. Output of an execution that does not exist (deleted, or an id that is not a UUID)
 * counts as stored. The chunks' bytes are views of the received messages, not copies.
 */
@Singleton
final class OutputIngest {

    private final OutputStore store;

    OutputIngest(OutputStore store) {
        this.store = store;
    }

    /** A lane for the output of one new stream. */
    OutputLane lane() {
        return store.lane();
    }

    /**
     * Stores and acknowledges the Outputs of {@code unit} through {@code lane}; its statements go
     * out when the returned Uni is subscribed. Fails with INVALID_ARGUMENT, before storing
     * anything, when one of them is malformed.
     */
    Uni<Void> handle(AgentSession session, List<AgentMessage> unit, OutputLane lane) {
        Map<String, List<OutputChunk>> byExecution = new LinkedHashMap<>();
        for (AgentMessage message : unit) {
            Output output = message.getOutput();
            Optional<Status> problem = OutputChecks.problem(output);
            if (problem.isPresent()) {
                return Uni.createFrom().failure(problem.get().asRuntimeException());
            }
            byExecution.computeIfAbsent(output.getExecutionId(), id -> new ArrayList<>()).add(toChunk(output));
        }
        List<Uni<Void>> statements = new ArrayList<>();
        byExecution.forEach((executionId, chunks) -> statements.add(store(session, lane, executionId, chunks)));
        return Uni.join().all(statements).andFailFast().replaceWithVoid();
    }

    private static Uni<Void> store(AgentSession session, OutputLane lane, String executionId, List<OutputChunk> chunks) {
        StoredOffsets received = OutputChunk.ends(chunks);
        return ExecutionIds.parse(executionId)
                .map(id -> lane.store(id, chunks))
                .orElseGet(() -> Uni.createFrom().item(Optional.empty()))
                .invoke(stored -> session.ack(Ack.newBuilder()
                        .setExecutionId(executionId)
                        .setStdoutOffset(stored.orElse(received).stdoutBytes())
                        .setStderrOffset(stored.orElse(received).stderrBytes())
                        .build()))
                .replaceWithVoid();
    }

    private static OutputChunk toChunk(Output output) {
        return new OutputChunk((short) output.getStreamValue(), output.getOffset(), view(output.getData()));
    }

    /** The bytes as a read-only Buffer over the message's own memory (no copy). */
    private static Buffer view(ByteString data) {
        return Buffer.buffer(Unpooled.wrappedBuffer(data.asReadOnlyByteBuffer()));
    }
}
