package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.runcommand.Author;
import dev.runcmd.control.runcommand.ExecutionHistoryReader;
import dev.runcmd.control.runcommand.PutOutcome;
import dev.runcmd.control.runcommand.RunCommandReader;
import dev.runcmd.control.runcommand.RunCommandRequestParser;
import dev.runcmd.control.runcommand.RunCommandService;
import dev.runcmd.control.runcommand.RunRecords;
import dev.runcmd.proto.v1.CancelRunCommandRequest;
import dev.runcmd.proto.v1.CancelRunCommandResponse;
import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.DeleteRunCommandRequest;
import dev.runcmd.proto.v1.DeleteRunCommandResponse;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListExecutionsRequest;
import dev.runcmd.proto.v1.ListExecutionsResponse;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.ListRunCommandsResponse;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.StreamOutputRequest;
import dev.runcmd.proto.v1.UpdateRunCommandRequest;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * The public {@code runcmd.v1.RunCommands} service over the same service layer as the REST resource, so both
 * APIs apply the same rules: a definition is turned into the REST body it stands for and checked by the REST
 * parser ({@link RunCommandRequests}, {@link RunCommandUpdates}); INVALID_ARGUMENT where REST answers 400 (with
 * the REST message, which names the field), NOT_FOUND where it answers 404, PERMISSION_DENIED where 403, ABORTED
 * where 409. Every call is authorized on the same action and resource as its REST twin, which is what the activity
 * log records.
 *
 * <p>Written in grpc-java style rather than with Mutiny because StreamOutput needs the call's flow control
 * ({@code isReady}, onReady and cancel handlers), which a returned Multi does not honour.
 */
@GrpcService
public class RunCommandsGrpcService extends RunCommandsGrpc.RunCommandsImplBase {

    private final RunCommandReader reader;
    private final RunCommandService service;
    private final RunCommandRequestParser parser;
    private final ExecutionHistoryReader history;
    private final OutputStreamer streamer;
    private final Access access;
    private final int pageSize;

    RunCommandsGrpcService(RunCommandReader reader, RunCommandService service, RunCommandRequestParser parser,
            ExecutionHistoryReader history, OutputStreamer streamer, Access access, ControlConfig config) {
        this.access = access;
        this.reader = reader;
        this.service = service;
        this.parser = parser;
        this.history = history;
        this.streamer = streamer;
        this.pageSize = config.api().pageSize();
    }

    /** Creates or replaces a run command and starts its new execution. */
    @Override
    public void createOrUpdateRunCommand(CreateOrUpdateRunCommandRequest request, StreamObserver<RunCommand> out) {
        write(request.getMachine(), request.getName(), () -> parser.parse(RunCommandRequests.body(request)),
                (scope, name, definition, author) -> service.put(scope, name, definition, author), out);
    }

    /**
     * Edits the fields named in the update mask and runs the run command again (REST's PATCH); NOT_FOUND when it
     * or its machine does not exist, INVALID_ARGUMENT for a bad mask or an invalid result.
     */
    @Override
    public void updateRunCommand(UpdateRunCommandRequest request, StreamObserver<RunCommand> out) {
        write(request.getMachine(), request.getName(), () -> RunCommandUpdates.edit(request),
                (scope, name, edit, author) -> service.update(scope, name, edit, author), out);
    }

    /** How a write applies what its request says (a definition, or an edit of the stored one). */
    @FunctionalInterface
    private interface Write<T> {
        Uni<PutOutcome> apply(MachineScope scope, String name, T change, Author author);
    }

    /**
     * The path both writes share: authorize the write, read the change from the request (its refusal is
     * INVALID_ARGUMENT), check whether the caller may run as root, apply it, answer the stored run command.
     */
    private <T> void write(MachineRef machine, String runCommandName, Supplier<T> change, Write<T> write,
                           StreamObserver<RunCommand> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(machine);
            String name = GrpcRequests.runCommandName(runCommandName);
            String id = scope.runCommandId(name);
            return access.require(call, Actions.RUN_COMMAND_WRITE, id)
                    .map(allowed -> change.get())
                    .chain(read -> access.permits(call.caller(), Actions.RUN_COMMAND_AS_ROOT, id)
                            .chain(mayRunAsRoot -> write.apply(scope, name, read,
                                    RunRecords.author(call.caller(), mayRunAsRoot, id))))
                    .map(outcome -> defined(call, outcome));
        }, out);
    }

    /** The stored run command with the operation the write started, after noting the run for the activity log. */
    private static RunCommand defined(GrpcCall call, PutOutcome outcome) {
        call.properties(RunRecords.properties(outcome.snapshot().command()));
        return ProtoViews.runCommand(outcome.snapshot()).toBuilder()
                .setOperationId(outcome.operationId().toString()).build();
    }

    /**
     * The executions of a run command, newest first, a page at a time; NOT_FOUND when the run command does not
     * exist, INVALID_ARGUMENT for a bad page size or token.
     */
    @Override
    public void listExecutions(ListExecutionsRequest request, StreamObserver<ListExecutionsResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            String name = GrpcRequests.runCommandName(request.getName());
            PageRequest page = GrpcRequests.page(request.getPageSize(), request.getPageToken(), pageSize,
                    ExecutionHistoryReader.PAGE_KIND);
            return access.require(call, Actions.RUN_COMMAND_READ, scope.runCommandId(name))
                    .chain(() -> history.list(scope, name, page))
                    .map(found -> ListExecutionsResponse.newBuilder()
                            .addAllExecutions(found.items().stream().map(ProtoViews::execution).toList())
                            .setNextPageToken(found.nextToken() == null ? "" : found.nextToken())
                            .build());
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

    /**
     * The run commands of a machine, by name, a page at a time (REST's list and its $skipToken); NOT_FOUND when
     * the machine never registered, INVALID_ARGUMENT for a bad page size or token.
     */
    @Override
    public void listRunCommands(ListRunCommandsRequest request, StreamObserver<ListRunCommandsResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            MachineScope scope = GrpcRequests.scope(request.getMachine());
            PageRequest page = GrpcRequests.page(request.getPageSize(), request.getPageToken(), pageSize,
                    RunCommandReader.PAGE_KIND);
            return access.require(call, Actions.RUN_COMMAND_READ, scope.resourceId())
                    .chain(() -> reader.list(scope, page))
                    .map(found -> ListRunCommandsResponse.newBuilder()
                            .addAllRunCommands(found.items().stream().map(ProtoViews::runCommand).toList())
                            .setNextPageToken(found.nextToken() == null ? "" : found.nextToken())
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
