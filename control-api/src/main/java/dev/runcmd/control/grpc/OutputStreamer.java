package dev.runcmd.control.grpc;

import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.output.ExecutionLocator;
import dev.runcmd.control.output.FollowSpec;
import dev.runcmd.control.output.Followers;
import dev.runcmd.control.output.Offsets;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.StreamOutputRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Serves {@code RunCommands.StreamOutput}: checks the request, finds the execution, and hands the call to a
 * follower that writes only while the call is ready.
 */
@ApplicationScoped
public class OutputStreamer {

    private final ExecutionLocator locator;
    private final Followers followers;
    private final Access access;
    private final FollowStarter starter;

    OutputStreamer(ExecutionLocator locator, Followers followers, Access access, FollowStarter starter) {
        this.locator = locator;
        this.followers = followers;
        this.access = access;
        this.starter = starter;
    }

    /**
     * Starts streaming; INVALID_ARGUMENT for a bad request, NOT_FOUND when the machine, run command or execution
     * is absent. Must run during the initial call, which installs the call's flow-control handlers.
     */
    void stream(StreamOutputRequest request, StreamObserver<OutputEvent> observer) {
        GrpcOutputSink sink = new GrpcOutputSink((ServerCallStreamObserver<OutputEvent>) observer);
        GrpcCall call = GrpcCallers.current();
        starter.start(call, observer, () -> {
            Checked checked = check(request);
            return access.require(call, Actions.RUN_COMMAND_READ, checked.scope().runCommandId(request.getName()))
                    .chain(() -> locator.locate(checked.scope(), request.getName(), checked.executionId()))
                    .map(target -> FollowSpec.both(target.executionId(), checked.from(), request.getFollow()));
        }, (spec, context, slot) -> followers.follow(spec, sink, context, slot));
    }

    /** The checked fields of a request. */
    private record Checked(MachineScope scope, Offsets from, Optional<UUID> executionId) {
    }

    private static Checked check(StreamOutputRequest request) {
        MachineScope scope = GrpcRequests.scope(request.getMachine());
        GrpcRequests.runCommandName(request.getName());
        return new Checked(scope, offsets(request), executionId(request.getExecutionId()));
    }

    private static Offsets offsets(StreamOutputRequest request) {
        if (request.getStdoutOffset() < 0) {
            throw GrpcErrors.invalidArgument("stdout_offset must not be negative");
        }
        if (request.getStderrOffset() < 0) {
            throw GrpcErrors.invalidArgument("stderr_offset must not be negative");
        }
        return new Offsets(request.getStdoutOffset(), request.getStderrOffset());
    }

    private static Optional<UUID> executionId(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            throw GrpcErrors.invalidArgument("execution_id: expected an execution id (a UUID)");
        }
    }
}
