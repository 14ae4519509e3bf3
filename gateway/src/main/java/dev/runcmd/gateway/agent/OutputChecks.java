package dev.runcmd.gateway.agent;

import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import io.grpc.Status;
import java.util.Optional;

/**
 * What makes an Output message a protocol violation: no stream named, or a negative offset.
 */
final class OutputChecks {

    private OutputChecks() {
    }

    /** The INVALID_ARGUMENT status this Output deserves, or empty when it is well-formed. */
    static Optional<Status> problem(Output output) {
        int stream = output.getStreamValue();
        if (stream != OutputStream.STDOUT_VALUE && stream != OutputStream.STDERR_VALUE) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription(
                    "output of execution " + output.getExecutionId() + " names no stream"));
        }
        if (output.getOffset() < 0) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription(
                    "output of execution " + output.getExecutionId() + " has negative offset " + output.getOffset()));
        }
        return Optional.empty();
    }
}
