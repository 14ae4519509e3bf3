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

    RunCommandsGrpcService(RunCommandReader reader, RunCommandService service, OutputStreamer streamer) {
        this.reader = reader;
        this.service = service;
        this.streamer = streamer;
    }

    /** Creates or replaces a run command and starts its new execution. */
    @Override
    public void createOrUpdateRunCommand(CreateOrUpdateRunCommandRequest request, StreamObserver<RunCommand> out) {
        UnaryReplies.reply(() -> service.put(GrpcRequests.scope(request.getMachine()),
                GrpcRequests.runCommandName(request.getName()), CreateRequests.toRequest(request))
                .map(outcome -> ProtoViews.runCommand(outcome.snapshot())), out);
    }

    /** One run command; NOT_FOUND when it or its machine does not exist, INVALID_ARGUMENT for bad names. */
    @Override
    public void getRunCommand(GetRunCommandRequest request, StreamObserver<RunCommand> out) {
        UnaryReplies.reply(() -> reader.get(GrpcRequests.scope(request.getMachine()),
                GrpcRequests.runCommandName(request.getName())).map(ProtoViews::runCommand), out);
    }

    /** The run commands of a machine, by name; NOT_FOUND when the machine never registered. */
    @Override
    public void listRunCommands(ListRunCommandsRequest request, StreamObserver<ListRunCommandsResponse> out) {
        UnaryReplies.reply(() -> reader.list(GrpcRequests.scope(request.getMachine()))
                .map(snapshots -> ListRunCommandsResponse.newBuilder()
                        .addAllRunCommands(snapshots.stream().map(ProtoViews::runCommand).toList())
                        .build()), out);
    }

    /** Deletes a run command; an absent one answers deleted = false. */
    @Override
    public void deleteRunCommand(DeleteRunCommandRequest request, StreamObserver<DeleteRunCommandResponse> out) {
        UnaryReplies.reply(() -> service.delete(GrpcRequests.scope(request.getMachine()),
                GrpcRequests.runCommandName(request.getName()))
                .map(outcome -> DeleteRunCommandResponse.newBuilder().setDeleted(outcome.existed()).build()), out);
    }

    /** Cancels the current execution; NOT_FOUND when the run command is absent. */
    @Override
    public void cancelRunCommand(CancelRunCommandRequest request, StreamObserver<CancelRunCommandResponse> out) {
        UnaryReplies.reply(() -> service.cancel(GrpcRequests.scope(request.getMachine()),
                GrpcRequests.runCommandName(request.getName()))
                .map(outcome -> CancelRunCommandResponse.newBuilder().setCanceled(outcome.canceled())
                        .setMessage(outcome.message()).setExecutionState(outcome.executionState()).build()), out);
    }

    /** Streams an execution's output with flow control; see {@link OutputStreamer}. */
    @Override
    public void streamOutput(StreamOutputRequest request, StreamObserver<OutputEvent> out) {
        streamer.stream(request, out);
    }
}
