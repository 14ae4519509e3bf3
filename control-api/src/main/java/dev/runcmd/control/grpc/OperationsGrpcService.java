package dev.runcmd.control.grpc;

import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import dev.runcmd.control.operation.OperationKind;
import dev.runcmd.control.operation.OperationService;
import dev.runcmd.control.operation.OperationView;
import dev.runcmd.proto.v1.GetOperationRequest;
import dev.runcmd.proto.v1.Operation;
import dev.runcmd.proto.v1.Operations;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/**
 * The public {@code runcmd.v1.Operations} service: REST's status monitor ({@code .../operationStatuses/{id}}) over
 * the same {@link OperationService}, so an operation reads the same, refreshed the same way, over both APIs.
 */
@GrpcService
public class OperationsGrpcService implements Operations {

    private final OperationService service;
    private final Access access;

    OperationsGrpcService(OperationService service, Access access) {
        this.service = service;
        this.access = access;
    }

    /**
     * The operation's status; INVALID_ARGUMENT without a subscription, location or id, NOT_FOUND when none has
     * this id here, PERMISSION_DENIED unless the caller may read what it is about (as REST: 400, 404, 403).
     */
    @Override
    public Uni<Operation> getOperation(GetOperationRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .invoke(OperationsGrpcService::requireAddress)
                .flatMap(r -> service.read(r.getSubscriptionId(), r.getLocation(), r.getOperationId()))
                .call(operation -> access.require(call, operation.operationKind() == OperationKind.JOB
                        ? Actions.JOB_READ : Actions.RUN_COMMAND_READ, operation.resourceId))
                .map(operation -> ProtoViews.operation(
                        OperationView.of(operation, request.getSubscriptionId(), request.getLocation())))
                .onFailure().transform(GrpcErrors::toStatus);
    }

    private static void requireAddress(GetOperationRequest request) {
        if (request.getSubscriptionId().isEmpty()) {
            throw GrpcErrors.invalidArgument("subscription_id is required");
        }
        if (request.getLocation().isEmpty()) {
            throw GrpcErrors.invalidArgument("location is required");
        }
        if (request.getOperationId().isEmpty()) {
            throw GrpcErrors.invalidArgument("operation_id is required");
        }
    }
}
