package dev.runcmd.control.grpc;

import dev.runcmd.control.runcommand.RunCommandReader;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.ListRunCommandsResponse;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommands;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** The public {@code runcmd.v1.RunCommands} service: the same reads as the REST run command resource. */
@GrpcService
public class RunCommandsGrpcService implements RunCommands {

    private final RunCommandReader reader;

    RunCommandsGrpcService(RunCommandReader reader) {
        this.reader = reader;
    }

    /** One run command; NOT_FOUND when it or its machine does not exist, INVALID_ARGUMENT for bad names. */
    @Override
    public Uni<RunCommand> getRunCommand(GetRunCommandRequest request) {
        return Uni.createFrom().item(request)
                .flatMap(r -> reader.get(GrpcRequests.scope(r.getMachine()),
                        GrpcRequests.runCommandName(r.getName())))
                .map(ProtoViews::runCommand)
                .onFailure().transform(GrpcErrors::toStatus);
    }

    /** The run commands of a machine, by name; NOT_FOUND when the machine never registered. */
    @Override
    public Uni<ListRunCommandsResponse> listRunCommands(ListRunCommandsRequest request) {
        return Uni.createFrom().item(request)
                .flatMap(r -> reader.list(GrpcRequests.scope(r.getMachine())))
                .map(snapshots -> ListRunCommandsResponse.newBuilder()
                        .addAllRunCommands(snapshots.stream().map(ProtoViews::runCommand).toList())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
