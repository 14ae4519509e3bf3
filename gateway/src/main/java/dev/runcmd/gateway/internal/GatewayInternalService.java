package dev.runcmd.gateway.internal;

import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.dispatch.Dispatcher;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.MachineScopes;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.SessionStore;
import dev.runcmd.gateway.store.StoreFailures;
import dev.runcmd.proto.agent.v1.Cancel;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.CancelResponse;
import dev.runcmd.proto.gateway.v1.DispatchManyRequest;
import dev.runcmd.proto.gateway.v1.DispatchManyResponse;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.gateway.v1.DispatchResponse;
import dev.runcmd.proto.gateway.v1.MutinyGatewayInternalGrpc;
import io.grpc.BindableService;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * GatewayInternal, the control API's handle on this gateway (see gateway.proto), served on the internal listener
 * only ({@link InternalListener}).
 *
 * <p>Statuses: INVALID_ARGUMENT for a malformed request, NOT_FOUND when this gateway does not
 * hold the machine's stream, UNAVAILABLE when the store fails. Never blocks.
 */
@Singleton
public class GatewayInternalService {

    /** The most machines one DispatchMany may list (gateway.proto). */
    static final int MAX_MACHINES = 2000;

    private final SessionStore sessions;
    private final SessionRegistry registry;
    private final Dispatcher dispatcher;
    private final GatewayIdentity identity;

    GatewayInternalService(SessionStore sessions, SessionRegistry registry, Dispatcher dispatcher,
                           GatewayIdentity identity) {
        this.sessions = sessions;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.identity = identity;
    }

    /** The gRPC service the internal listener serves (not a bean: Quarkus would serve it on the agent port). */
    BindableService bindable() {
        return new MutinyGatewayInternalGrpc.GatewayInternalImplBase() {
            @Override
            public Uni<DispatchResponse> dispatch(DispatchRequest request) {
                return GatewayInternalService.this.dispatch(request);
            }

            @Override
            public Uni<DispatchManyResponse> dispatchMany(DispatchManyRequest request) {
                return GatewayInternalService.this.dispatchMany(request);
            }

            @Override
            public Uni<CancelResponse> cancel(CancelRequest request) {
                return GatewayInternalService.this.cancel(request);
            }
        };
    }

    /** Delivers the machine's Pending executions; emits how many this call sent. */
    public Uni<DispatchResponse> dispatch(DispatchRequest request) {
        return validated(request.hasMachine(), request.getMachine(), null)
                .chain(this::heldSession)
                .chain(dispatcher::deliver)
                .map(delivered -> DispatchResponse.newBuilder().setDelivered(delivered).build())
                .onFailure().transform(failure -> StoreFailures.toStatus(failure).asRuntimeException());
    }

    /**
     * Delivers the Pending executions of every listed machine held here (one lookup for all of them); emits how
     * many this call sent and how many listed machines are not held here.
     */
    public Uni<DispatchManyResponse> dispatchMany(DispatchManyRequest request) {
        String problem = manyProblem(request);
        if (problem != null) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
        }
        List<MachineScope> listed = List.copyOf(new LinkedHashSet<>(request.getMachinesList()));
        return sessions.findMachines(listed)
                .chain(ids -> {
                    List<AgentSession> held = ids.stream().map(registry::find).flatMap(Optional::stream)
                            .filter(session -> !session.isEnded()).toList();
                    return dispatcher.deliverPending(held).map(delivered -> DispatchManyResponse.newBuilder()
                            .setDelivered(delivered).setNotHeld(listed.size() - held.size()).build());
                })
                .onFailure().transform(failure -> StoreFailures.toStatus(failure).asRuntimeException());
    }

    private static String manyProblem(DispatchManyRequest request) {
        if (request.getMachinesCount() > MAX_MACHINES) {
            return "at most " + MAX_MACHINES + " machines per call, got " + request.getMachinesCount();
        }
        for (int i = 0; i < request.getMachinesCount(); i++) {
            Optional<String> problem = MachineScopes.problem(request.getMachines(i), "machines[" + i + "]");
            if (problem.isPresent()) {
                return problem.get();
            }
        }
        return null;
    }

    /** Queues a Cancel for the execution to the agent holding the machine. */
    public Uni<CancelResponse> cancel(CancelRequest request) {
        String problem = request.getExecutionId().isEmpty() ? "execution_id must not be empty" : null;
        return validated(request.hasMachine(), request.getMachine(), problem)
                .chain(this::heldSession)
                .invoke(session -> session.send(GatewayMessage.newBuilder().setCancel(Cancel.newBuilder()
                        .setExecutionId(request.getExecutionId())
                        .setReason(request.getReason())).build()))
                .map(session -> CancelResponse.getDefaultInstance())
                .onFailure().transform(failure -> StoreFailures.toStatus(failure).asRuntimeException());
    }

    private static Uni<MachineScope> validated(boolean hasMachine, MachineScope scope, String otherProblem) {
        String problem = !hasMachine ? "machine must be set"
                : MachineScopes.problem(scope, "machine").orElse(otherProblem);
        if (problem != null) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
        }
        return Uni.createFrom().item(scope);
    }

    private Uni<AgentSession> heldSession(MachineScope scope) {
        return sessions.findMachine(scope.getSubscriptionId(), scope.getResourceGroup(), scope.getMachineName())
                .map(machineId -> machineId.flatMap(registry::find).filter(session -> !session.isEnded()))
                .map(session -> session.orElseThrow(() -> Status.NOT_FOUND
                        .withDescription("machine " + MachineScopes.describe(scope)
                                + " is not connected to gateway " + identity.id())
                        .asRuntimeException()));
    }
}
