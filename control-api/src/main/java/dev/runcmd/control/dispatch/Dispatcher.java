package dev.runcmd.control.dispatch;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.DispatchManyRequest;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc.GatewayInternalStub;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Tells the gateway holding a machine's agent about work that was just committed: Dispatch for new Pending
 * executions (DispatchMany for many machines at once, one call per gateway), Cancel for executions an agent may be
 * running.
 *
 * <p>Both calls are best effort and return at once: the HTTP response never waits for a gateway or an agent.
 * A failure is logged as a WARN and loses nothing, because the executions are already durable; the gateway's
 * sweep and the agent's next Hello deliver what is still Pending. A machine without a session is not an error:
 * its executions wait, Pending, for the agent to come back.
 *
 * <p>Each call's time from its start to the gateway's answer is recorded in {@code runcmd_dispatch_call_seconds},
 * by call and outcome.
 */
@ApplicationScoped
@Startup // registers its timers at start, not at the first dispatch
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    /** The most machines one DispatchMany may list (gateway.proto). */
    static final int MACHINES_PER_CALL = 2000;

    private final GatewayDirectory directory;
    private final GatewayChannels channels;
    private final Duration deadline;
    private final CallTimer timer;

    Dispatcher(GatewayDirectory directory, GatewayChannels channels, ControlConfig config, MeterRegistry registry) {
        this.directory = directory;
        this.channels = channels;
        this.deadline = config.dispatch().deadline();
        this.timer = new CallTimer(registry);
    }

    /** Asks the gateway holding the machine to deliver its Pending executions. Never fails, never waits. */
    public void dispatch(MachineScope scope, long machineId) {
        DispatchRequest request = DispatchRequest.newBuilder().setMachine(toProto(scope)).build();
        String what = "Dispatch for machine " + scope.resourceId();
        callGateway(machineId, what, (stub, address) -> stub.dispatch(request,
                new LoggedCall<>(what, address, timer.dispatch(), System.nanoTime())));
    }

    /**
     * Asks every gateway holding some of {@code scopes} to deliver those machines' Pending executions: one lookup
     * finds the gateways of all the machines, then each gateway gets one DispatchMany for its machines (one per
     * {@value #MACHINES_PER_CALL}). Machines without a gateway session are skipped: their executions wait,
     * Pending, for the agent to come back. Never fails, never waits; a failure is logged as for {@link #dispatch}.
     */
    public void dispatchAll(Collection<MachineScope> scopes) {
        if (scopes.isEmpty()) {
            return;
        }
        List<MachineScope> machines = List.copyOf(new LinkedHashSet<>(scopes));
        directory.holdersOf(machines).subscribe().with(
                byAddress -> byAddress.forEach(this::dispatchMany),
                failure -> LOG.warnf(failure, "Dispatch for %d machine(s) not sent: the gateway lookup failed",
                        machines.size()));
    }

    private void dispatchMany(String address, List<MachineScope> held) {
        for (int from = 0; from < held.size(); from += MACHINES_PER_CALL) {
            List<MachineScope> part = held.subList(from, Math.min(held.size(), from + MACHINES_PER_CALL));
            DispatchManyRequest request = DispatchManyRequest.newBuilder()
                    .addAllMachines(part.stream().map(Dispatcher::toProto).toList())
                    .build();
            String what = "Dispatch for " + part.size() + " machine(s)";
            send(address, what, (stub, to) -> stub.dispatchMany(request,
                    new LoggedCall<>(what, to, timer.dispatchMany(), System.nanoTime())));
        }
    }

    /** Asks the gateway holding the machine to stop an execution. Never fails, never waits. */
    public void cancel(CancelOrder order) {
        CancelRequest request = CancelRequest.newBuilder()
                .setMachine(toProto(order.scope()))
                .setExecutionId(order.executionId().toString())
                .setReason(order.reason())
                .build();
        String what = "Cancel of execution " + order.executionId();
        callGateway(order.machineId(), what,
                (stub, address) -> stub.cancel(request,
                        new LoggedCall<>(what, address, timer.cancel(), System.nanoTime())));
    }

    private void callGateway(long machineId, String what, GatewayCall call) {
        directory.addressOf(machineId).subscribe().with(address -> {
            if (address.isEmpty()) {
                LOG.debugf("%s not sent: the machine has no gateway session", what);
                return;
            }
            send(address.get(), what, call);
        }, failure -> LOG.warnf(failure, "%s not sent: the gateway lookup failed", what));
    }

    private void send(String address, String what, GatewayCall call) {
        channels.forAddress(address)
                .map(channel -> GatewayInternalGrpc.newStub(channel)
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS))
                .subscribe().with(stub -> call.start(stub, address),
                        failure -> LOG.warnf(failure, "%s not sent to gateway %s", what, address));
    }

    private static dev.runcmd.proto.agent.v1.MachineScope toProto(MachineScope scope) {
        return dev.runcmd.proto.agent.v1.MachineScope.newBuilder()
                .setSubscriptionId(scope.subscriptionId())
                .setResourceGroup(scope.resourceGroup())
                .setMachineName(scope.machineName())
                .build();
    }

    /** Starts one unary call on a stub whose deadline is already set. */
    @FunctionalInterface
    private interface GatewayCall {

        void start(GatewayInternalStub stub, String address);
    }

    /** Logs and times the outcome of one unary call to a gateway, started at {@code startNanos}; called on a gRPC thread. */
    private record LoggedCall<T>(String what, String address, CallTimer.Outcomes timers, long startNanos)
            implements StreamObserver<T> {

        @Override
        public void onNext(T response) {
            timers.ok().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            LOG.debugf("%s sent to gateway %s", what, address);
        }

        @Override
        public void onError(Throwable t) {
            timers.error().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            LOG.warnf("%s failed on gateway %s: %s", what, address, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            // The single response was already logged.
        }
    }
}
