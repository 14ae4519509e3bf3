package dev.runcmd.gateway;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Rejected;
import dev.runcmd.proto.agent.v1.Started;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The progress messages a fake agent sends. */
final class ProgressMessages {

    private ProgressMessages() {
    }

    static AgentMessage started(UUID id) {
        return AgentMessage.newBuilder().setStarted(Started.newBuilder()
                .setExecutionId(id.toString()).setPid(4242).setStartTimeMillis(1)).build();
    }

    /** Output on stream 1 (stdout) or 2 (stderr) at the given offset. */
    static AgentMessage output(UUID id, int stream, long offset, String text) {
        return AgentMessage.newBuilder().setOutput(Output.newBuilder()
                .setExecutionId(id.toString())
                .setStream(OutputStream.forNumber(stream))
                .setOffset(offset)
                .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8))).build();
    }

    /** Output of {@code size} bytes, each the low byte of its offset in the stream. */
    static AgentMessage output(UUID id, int stream, long offset, int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (offset + i);
        }
        return AgentMessage.newBuilder().setOutput(Output.newBuilder()
                .setExecutionId(id.toString())
                .setStream(OutputStream.forNumber(stream))
                .setOffset(offset)
                .setData(ByteString.copyFrom(data))).build();
    }

    /** A successful exit whose totals say how many bytes the script wrote to each stream. */
    static AgentMessage exited(UUID id, long stdoutBytes, long stderrBytes) {
        return AgentMessage.newBuilder().setExited(Exited.newBuilder()
                .setExecutionId(id.toString())
                .setState(ExitState.SUCCEEDED)
                .setStdoutBytes(stdoutBytes)
                .setStderrBytes(stderrBytes)).build();
    }

    static AgentMessage exited(UUID id, int exitCode) {
        return AgentMessage.newBuilder().setExited(Exited.newBuilder()
                .setExecutionId(id.toString())
                .setState(exitCode == 0 ? ExitState.SUCCEEDED : ExitState.FAILED)
                .setExitCode(exitCode)).build();
    }

    static AgentMessage rejected(UUID id, String reason) {
        return AgentMessage.newBuilder().setRejected(Rejected.newBuilder()
                .setExecutionId(id.toString()).setReason(reason)).build();
    }
}
