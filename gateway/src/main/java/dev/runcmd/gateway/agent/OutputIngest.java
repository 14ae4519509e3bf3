package dev.runcmd.gateway.agent;

import com.google.protobuf.ByteString;
import dev.runcmd.gateway.metrics.GatewayMeters;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Stores a unit of consecutive Output messages and acknowledges them: one statement per
 * execution named in the unit (executions in order of first appearance, chunks in arrival
 * order), all sent at once through the stream's {@link OutputLane}, each execution's Ack queued
 * once its statement committed.
 *
 * <p>The Ack covers every byte received, stored or dropped past the output cap, so the agent
 * moves on. Output of an execution that no longer exists (deleted with its run command) counts
 * as stored. The chunks' bytes are views of the received messages, not copies.
 */
@Singleton
final class OutputIngest {

    private final OutputStore store;
    private final OwnershipCheck ownership;
    private final GatewayMeters meters;

    OutputIngest(OutputStore store, OwnershipCheck ownership, GatewayMeters meters) {
        this.store = store;
        this.ownership = ownership;
        this.meters = meters;
    }

    /** A lane for the output of one new stream. */
    OutputLane lane() {
        return store.lane();
    }

    /**
     * Stores and acknowledges the Outputs of {@code unit} through {@code lane}; its statements go
     * out when the returned Uni is subscribed (after a lookup of executions new to the session).
     * Fails before storing anything: INVALID_ARGUMENT when one Output is malformed,
     * PERMISSION_DENIED when one names an execution the session may not report on (see
     * {@link OwnershipCheck}), FAILED_PRECONDITION when one starts past the end of what is stored
     * or accepted of its stream (a gap; an overlap is fine, replays start at or below the Ack).
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
        List<String> executionIds = List.copyOf(byExecution.keySet());
        return ownership.verify(session, executionIds).chain(ids -> {
            Map<String, UUID> byText = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                byText.put(executionIds.get(i), ids.get(i));
            }
            Optional<Status> gap = firstGap(session, unit, byText);
            if (gap.isPresent()) {
                return Uni.createFrom().failure(gap.get().asRuntimeException());
            }
            List<Uni<Void>> statements = new ArrayList<>();
            byExecution.forEach((text, chunks) -> statements.add(store(session, lane, byText.get(text), chunks)));
            return Uni.join().all(statements).andFailFast().replaceWithVoid();
        });
    }

    /** Accepts the unit's chunks in arrival order, or names the first that would leave a gap. */
    private static Optional<Status> firstGap(AgentSession session, List<AgentMessage> unit, Map<String, UUID> ids) {
        for (AgentMessage message : unit) {
            Output output = message.getOutput();
            int stream = output.getStreamValue();
            long end = output.getOffset() + output.getData().size();
            OptionalLong through = session.ownership().accept(ids.get(output.getExecutionId()), stream,
                    output.getOffset(), end);
            if (through.isPresent()) {
                return Optional.of(Status.FAILED_PRECONDITION.withDescription("output of " + output.getExecutionId()
                        + " " + (stream == 1 ? "stdout" : "stderr") + " at offset " + output.getOffset()
                        + " leaves a gap after " + through.getAsLong()));
            }
        }
        return Optional.empty();
    }

    private Uni<Void> store(AgentSession session, OutputLane lane, UUID executionId, List<OutputChunk> chunks) {
        StoredOffsets received = OutputChunk.ends(chunks);
        return lane.store(executionId, chunks)
                .invoke(stored -> count(chunks))
                .invoke(stored -> session.ack(Ack.newBuilder()
                        .setExecutionId(executionId.toString())
                        .setStdoutOffset(stored.orElse(received).stdoutBytes())
                        .setStderrOffset(stored.orElse(received).stderrBytes())
                        .build()))
                .replaceWithVoid();
    }

    private void count(List<OutputChunk> chunks) {
        for (OutputChunk chunk : chunks) {
            meters.ingested(chunk.stream(), chunk.data().length());
        }
    }

    private static OutputChunk toChunk(Output output) {
        return new OutputChunk((short) output.getStreamValue(), output.getOffset(), view(output.getData()));
    }

    /** The bytes as a read-only Buffer over the message's own memory (no copy). */
    private static Buffer view(ByteString data) {
        return Buffer.buffer(Unpooled.wrappedBuffer(data.asReadOnlyByteBuffer()));
    }
}
