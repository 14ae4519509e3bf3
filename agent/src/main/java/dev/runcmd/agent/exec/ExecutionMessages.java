package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Started;

/** The lifecycle messages an {@link Execution} queues: Started and the forms of Exited. */
final class ExecutionMessages {
    private ExecutionMessages() {}

    /** Started for the process {@code pid}, which started at {@code startMillis}. */
    static AgentMessage started(String id, long pid, long startMillis) {
        Started started = Started.newBuilder()
                .setExecutionId(id)
                .setPid(pid)
                .setStartTimeMillis(startMillis)
                .build();
        return AgentMessage.newBuilder().setStarted(started).build();
    }

    /**
     * Exited of a process that ran: the state and message of {@code request} when the agent ended it
     * (null when it ended on its own), else SUCCEEDED for exit code 0 and FAILED otherwise. {@code
     * uploadFailures} ("" or " (output upload to host failed: reason)") is appended to the message.
     */
    static Exited ended(String id, EndRequest request, int code, long endMillis, long stdoutBytes, long stderrBytes,
            String uploadFailures) {
        ExitState state = request != null ? request.state() : code == 0 ? ExitState.SUCCEEDED : ExitState.FAILED;
        String message = request != null ? request.message() : code == 0 ? "" : "Script exited with code " + code;
        return Exited.newBuilder()
                .setExecutionId(id)
                .setState(state)
                .setExitCode(code)
                .setEndTimeMillis(endMillis)
                .setMessage((message + uploadFailures).strip())
                .setStdoutBytes(stdoutBytes)
                .setStderrBytes(stderrBytes)
                .build();
    }

    /** Exited{state, exit_code=-1, message} of an execution whose process never ran, stamped now. */
    static Exited notStarted(String id, ExitState state, String message) {
        return Exited.newBuilder()
                .setExecutionId(id)
                .setState(state)
                .setExitCode(-1)
                .setEndTimeMillis(System.currentTimeMillis())
                .setMessage(message)
                .build();
    }

    /**
     * Exited{FAILED, exit_code=-1, message} of an execution whose exit code is unknown (its process
     * was lost while the agent was away), with the output sizes it reached; when the agent had asked it to end
     * ({@code request}, else null), that end's state, and its message before {@code message}.
     */
    static Exited lost(String id, EndRequest request, String message, long endMillis, long stdoutBytes,
            long stderrBytes) {
        return Exited.newBuilder()
                .setExecutionId(id)
                .setState(request != null ? request.state() : ExitState.FAILED)
                .setExitCode(-1)
                .setEndTimeMillis(endMillis)
                .setMessage(request != null ? request.message() + "; " + message : message)
                .setStdoutBytes(stdoutBytes)
                .setStderrBytes(stderrBytes)
                .build();
    }
}
