package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineRepository;
import dev.runcmd.control.machine.MachineService;
import dev.runcmd.control.store.Transactions;
import dev.runcmd.proto.tags.Tags;
import dev.runcmd.proto.v1.DeleteMachineRequest;
import dev.runcmd.proto.v1.DeleteMachineResponse;
import dev.runcmd.proto.v1.GetMachineRequest;
import dev.runcmd.proto.v1.ListMachinesRequest;
import dev.runcmd.proto.v1.ListMachinesResponse;
import dev.runcmd.proto.v1.Machine;
import dev.runcmd.proto.v1.Machines;
import dev.runcmd.proto.v1.UpdateMachineTagsRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** The public {@code runcmd.v1.Machines} service: the same reads and deletes as the REST machine resource. */
@GrpcService
public class MachinesGrpcService implements Machines {

    private final Transactions transactions;
    private final MachineRepository machines;
    private final MachineService service;
    private final Access access;
    private final int pageSize;

    MachinesGrpcService(Transactions transactions, MachineRepository machines, MachineService service,
            Access access, ControlConfig config) {
        this.access = access;
        this.pageSize = config.api().pageSize();
        this.transactions = transactions;
        this.machines = machines;
        this.service = service;
    }

    /** One machine; NOT_FOUND when it never enrolled or was deleted, INVALID_ARGUMENT for a malformed reference. */
    @Override
    public Uni<Machine> getMachine(GetMachineRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .map(r -> GrpcRequests.scope(r.getMachine()))
                .call(scope -> access.require(call, Actions.MACHINE_READ, scope.resourceId()))
                .flatMap(scope -> transactions.read(() -> machines.require(scope)))
                .map(ProtoViews::machine)
                .onFailure().transform(GrpcErrors::toStatus);
    }

    /**
     * A page of the machines of a resource group the caller may read, by name, optionally only those with a tag;
     * INVALID_ARGUMENT without a subscription or group, or for a bad page size or token.
     */
    @Override
    public Uni<ListMachinesResponse> listMachines(ListMachinesRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .invoke(r -> GrpcRequests.requireGroup(r.getSubscriptionId(), r.getResourceGroup(), ""))
                .flatMap(r -> {
                    PageRequest page = GrpcRequests.page(r.getPageSize(), r.getPageToken(), pageSize,
                            MachineService.PAGE_KIND);
                    String tagValue = r.getTagName().isEmpty() || r.getTagValue().isEmpty() ? null : r.getTagValue();
                    return access.checker(call.caller(), Actions.MACHINE_READ)
                            .flatMap(readable -> service.list(r.getSubscriptionId(), r.getResourceGroup(), page,
                                    r.getTagName().isEmpty() ? null : r.getTagName(), tagValue, readable));
                })
                .map(found -> ListMachinesResponse.newBuilder()
                        .addAllMachines(found.items().stream().map(ProtoViews::machine).toList())
                        .setNextPageToken(found.nextToken() == null ? "" : found.nextToken())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    /** Replaces a machine's API-set tags; NOT_FOUND when it does not exist, INVALID_ARGUMENT for a bad tag. */
    @Override
    public Uni<Machine> updateMachineTags(UpdateMachineTagsRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .map(r -> GrpcRequests.scope(r.getMachine()))
                .call(scope -> access.require(call, Actions.MACHINE_WRITE, scope.resourceId()))
                .flatMap(scope -> {
                    try {
                        Tags.validate(request.getTagsMap());
                    } catch (IllegalArgumentException bad) {
                        throw GrpcErrors.invalidArgument("tags: " + bad.getMessage());
                    }
                    return service.replaceTags(scope, request.getTagsMap());
                })
                .map(ProtoViews::machine)
                .onFailure().transform(GrpcErrors::toStatus);
    }


    /**
     * Deletes a machine and revokes its identity; its unfinished executions end Failed. NOT_FOUND when it does not
     * exist, INVALID_ARGUMENT for a malformed reference.
     */
    @Override
    public Uni<DeleteMachineResponse> deleteMachine(DeleteMachineRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .map(r -> GrpcRequests.scope(r.getMachine()))
                .call(scope -> access.require(call, Actions.MACHINE_DELETE, scope.resourceId()))
                .flatMap(scope -> service.delete(scope)
                        .onItem().transform(deletion -> {
                            if (!deletion.existed()) {
                                throw MachineRepository.notFound(scope);
                            }
                            return DeleteMachineResponse.newBuilder()
                                    .setExecutionsEnded(deletion.executionsEnded()).build();
                        }))
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
