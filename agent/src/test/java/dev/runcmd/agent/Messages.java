package dev.runcmd.agent;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Cancel;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Output;
import java.io.ByteArrayOutputStream;
import java.util.BitSet;
import java.util.List;

/** Builders and readers for protocol messages in tests. */
final class Messages {
    private Messages() {}

    /** A Run of a POSIX script with no parameters and no timeout. */
    static Run.Builder run(String id, String script) {
        return Run.newBuilder().setExecutionId(id).setRunCommandName("test").setScript(script);
    }

    /** Wraps a Run. */
    static GatewayMessage command(Run.Builder run) {
        return GatewayMessage.newBuilder().setRun(run).build();
    }

    /** A Cancel command. */
    static GatewayMessage cancel(String id, String reason) {
        return GatewayMessage.newBuilder()
                .setCancel(Cancel.newBuilder().setExecutionId(id).setReason(reason))
                .build();
    }

    /** A named (or, with an empty name, positional) parameter. */
    static Parameter param(String name, String value) {
        return Parameter.newBuilder().setName(name).setValue(value).build();
    }

    /** The execution id a message is about, or null for Hello and Heartbeat. */
    static String executionId(AgentMessage m) {
        return switch (m.getKindCase()) {
            case ACCEPTED -> m.getAccepted().getExecutionId();
            case REJECTED -> m.getRejected().getExecutionId();
            case STARTED -> m.getStarted().getExecutionId();
            case OUTPUT -> m.getOutput().getExecutionId();
            case EXITED -> m.getExited().getExecutionId();
            default -> null;
        };
    }

    /** The bytes of one stream, concatenated in arrival order; fails if offsets are not contiguous. */
    static byte[] streamBytes(List<AgentMessage> messages, OutputStream stream) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (AgentMessage m : messages) {
            if (m.hasOutput() && m.getOutput().getStream() == stream) {
                if (m.getOutput().getOffset() != bytes.size()) {
                    throw new AssertionError("offset " + m.getOutput().getOffset() + " but " + bytes.size() + " bytes so far");
                }
                bytes.writeBytes(m.getOutput().getData().toByteArray());
            }
        }
        return bytes.toByteArray();
    }

    /** {@link #streamBytes} as UTF-8 text. */
    static String streamText(List<AgentMessage> messages, OutputStream stream) {
        return new String(streamBytes(messages, stream), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Places every chunk of {@code stream} at its offset, as a gateway stores by offset: a byte
     * received twice must be the same both times, and every byte up to {@code total} must have arrived.
     */
    static byte[] reassemble(List<AgentMessage> messages, OutputStream stream, long total) {
        byte[] out = new byte[Math.toIntExact(total)];
        BitSet seen = new BitSet(out.length);
        for (AgentMessage m : messages) {
            Output o = m.getOutput();
            if (!m.hasOutput() || o.getStream() != stream) {
                continue;
            }
            byte[] chunk = o.getData().toByteArray();
            int at = Math.toIntExact(o.getOffset());
            for (int i = 0; i < chunk.length; i++) {
                if (seen.get(at + i) && out[at + i] != chunk[i]) {
                    throw new AssertionError("different bytes at offset " + (at + i));
                }
                out[at + i] = chunk[i];
            }
            seen.set(at, at + chunk.length);
        }
        if (seen.cardinality() != out.length) {
            throw new AssertionError(stream + ": " + seen.cardinality() + " of " + out.length + " bytes arrived");
        }
        return out;
    }
}
