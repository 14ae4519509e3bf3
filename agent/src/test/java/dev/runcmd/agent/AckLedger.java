package dev.runcmd.agent;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a gateway has stored of each execution, as the fake gateway acknowledges it: per stream the
 * contiguous bytes from offset 0 (a chunk past a gap is not counted), and whether Exited arrived.
 * Thread-safe.
 */
final class AckLedger {
    private final Map<String, long[]> offsets = new HashMap<>(); // guarded by this; {stdout, stderr}
    private final Map<String, Boolean> exited = new HashMap<>(); // guarded by this

    /** Records {@code message} and returns the Ack to send for it, if it is Started, Output or Exited. */
    synchronized Optional<GatewayMessage> ack(AgentMessage message) {
        String id = Messages.executionId(message);
        switch (message.getKindCase()) {
            case OUTPUT -> store(message.getOutput());
            case EXITED -> exited.put(id, true);
            case STARTED -> { }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(ackOf(id));
    }

    /** The Ack of everything stored, one per execution. */
    synchronized List<GatewayMessage> acksForAll() {
        List<GatewayMessage> all = new ArrayList<>();
        offsets.keySet().forEach(id -> all.add(ackOf(id)));
        return all;
    }

    /** The contiguous bytes stored of {@code id}'s stdout. */
    synchronized long stdoutStored(String id) {
        return offsets.getOrDefault(id, new long[2])[0];
    }

    private GatewayMessage ackOf(String id) {
        long[] stored = offsets.computeIfAbsent(id, k -> new long[2]);
        Ack ack = Ack.newBuilder().setExecutionId(id).setStdoutOffset(stored[0]).setStderrOffset(stored[1])
                .setExited(exited.getOrDefault(id, false)).build();
        return GatewayMessage.newBuilder().setAck(ack).build();
    }

    private void store(Output output) {
        long[] stored = offsets.computeIfAbsent(output.getExecutionId(), k -> new long[2]);
        int i = output.getStream() == OutputStream.STDERR ? 1 : 0;
        if (output.getOffset() <= stored[i]) {
            stored[i] = Math.max(stored[i], output.getOffset() + output.getData().size());
        }
    }
}
