package dev.runcmd.control.grpc;

import dev.runcmd.control.runcommand.RunCommandReader;
import dev.runcmd.control.runcommand.RunCommandService;
import dev.runcmd.proto.v1.CancelRunCommandRequest;
import dev.runcmd.proto.v1.CancelRunCommandResponse;
import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.DeleteRunCommandRequest;
import dev.runcmd.proto.v1.DeleteRunCommandResponse;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.ListRunCommandsResponse;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.StreamOutputRequest;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.runcommand.RunRecords;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/**
 * The public {@code runcmd.v1.RunCommands} service over the same service layer as the REST resource, so both
 * APIs apply the same rules: INVALID_ARGUMENT where REST answers 400 (the description names the field),
 * NOT_FOUND where it answers 404.
 *
 * <p>Written in grpc-java style rather than with Mutiny because StreamOutput needs the call's flow control
 * ({@code isReady}, onReady and cancel handlers), which a returned Multi does not honour.
 */
@GrpcService
public class RunCommandsGrpcService extends RunCommandsGrpc.RunCommandsImplBase {

    private final RunCommandReader reader;
    private final RunCommandService service;
    private final OutputStreamer streamer;
    private final Access access;

    RunCommandsGrpcService(RunCommandReader reader, RunCommandService service, OutputStreamer streamer,
            Access access) {
        this.access = access;
        this.reader = reader;
        this.service = service;
        this.streamer = streamer;
    }

    /** Creates or replaces a run command and starts its new execution. */
    @Override
    public void createOrUpdateRunCommand(CreateOrUpdateRunCommandRequest request, StreamObserver<RunCommand> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            String name = GrpcRequests.runCommandName(request.getName());
            String id = scope.runCommandId(name);
            return access.require(call, Actions.RUN_COMMAND_WRITE, id)
                    .chain(() -> access.permits(call.caller(), Actions.RUN_COMMAND_AS_ROOT, id))
                    .chain(mayRunAsRoot -> service.put(scope, name, CreateRequests.toRequest(request),
                            RunRecords.author(call.caller(), mayRunAsRoot, id)))
                    .invoke(outcome -> call.properties(RunRecords.properties(outcome.snapshot().command())))
                    .map(outcome -> ProtoViews.runCommand(outcome.snapshot()));
        }, out);
    }

    /** One run command; NOT_FOUND when it or its machine does not exist, INVALID_ARGUMENT for bad names. */
    @Override
    public void getRunCommand(GetRunCommandRequest request, StreamObserver<RunCommand> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            String name = GrpcRequests.runCommandName(request.getName());
            return access.require(call, Actions.RUN_COMMAND_READ, scope.runCommandId(name))
                    .chain(() -> reader.get(scope, name)).map(ProtoViews::runCommand);
        }, out);
    }

    /** The run commands of a machine, by name; NOT_FOUND when the machine never registered. */
    @Override
    public void listRunCommands(ListRunCommandsRequest request, StreamObserver<ListRunCommandsResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            return access.require(call, Actions.RUN_COMMAND_READ, scope.resourceId())
                    .chain(() -> reader.list(scope))
                    .map(snapshots -> ListRunCommandsResponse.newBuilder()
                            .addAllRunCommands(snapshots.stream().map(ProtoViews::runCommand).toList())
                            .build());
        }, out);
    }

    /** Deletes a run command; an absent one answers deleted = false. */
    @Override
    public void deleteRunCommand(DeleteRunCommandRequest request, StreamObserver<DeleteRunCommandResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            String name = GrpcRequests.runCommandName(request.getName());
            return access.require(call, Actions.RUN_COMMAND_DELETE, scope.runCommandId(name))
                    .chain(() -> service.delete(scope, name))
                    .map(outcome -> DeleteRunCommandResponse.newBuilder().setDeleted(outcome.existed()).build());
        }, out);
    }

    /** Cancels the current execution; NOT_FOUND when the run command is absent. */
    @Override
    public void cancelRunCommand(CancelRunCommandRequest request, StreamObserver<CancelRunCommandResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            String name = GrpcRequests.runCommandName(request.getName());
            return access.require(call, Actions.RUN_COMMAND_CANCEL, scope.runCommandId(name))
                    .chain(() -> service.cancel(scope, name))
                    .map(outcome -> CancelRunCommandResponse.newBuilder().setCanceled(outcome.canceled())
                            .setMessage(outcome.message()).setExecutionState(outcome.executionState()).build());
        }, out);
    }

    /** Streams an execution's output with flow control; see {@link OutputStreamer}. */
    @Override
    public void streamOutput(StreamOutputRequest request, StreamObserver<OutputEvent> out) {
        streamer.stream(request, out);
    }
}
