package dev.runcmd.control.dispatch;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc.GatewayInternalStub;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Tells the gateway holding a machine's agent about work that was just committed: Dispatch for new Pending
 * executions, Cancel for executions an agent may be running.
 *
 * <p>Both calls are best effort and return at once: the HTTP response never waits for a gateway or an agent.
 * A failure is logged as a WARN and loses nothing, because the executions are already durable; the gateway's
 * sweep and the agent's next Hello deliver what is still Pending. A machine without a session is not an error:
 * its executions wait, Pending, for the agent to come back.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final GatewayDirectory directory;
    private final GatewayChannels channels;
    private final Duration deadline;

    Dispatcher(GatewayDirectory directory, GatewayChannels channels, ControlConfig config) {
        this.directory = directory;
        this.channels = channels;
        this.deadline = config.dispatch().deadline();
    }

    /** Asks the gateway holding the machine to deliver its Pending executions. Never fails, never waits. */
    public void dispatch(MachineScope scope, long machineId) {
        DispatchRequest request = DispatchRequest.newBuilder().setMachine(toProto(scope)).build();
        String what = "Dispatch for machine " + scope.resourceId();
        callGateway(machineId, what, (stub, address) -> stub.dispatch(request, new LoggedCall<>(what, address)));
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
                (stub, address) -> stub.cancel(request, new LoggedCall<>(what, address)));
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

    /** Logs the outcome of one unary call to a gateway; called on a gRPC thread. */
    private record LoggedCall<T>(String what, String address) implements StreamObserver<T> {

        @Override
        public void onNext(T response) {
            LOG.debugf("%s sent to gateway %s", what, address);
        }

        @Override
        public void onError(Throwable t) {
            LOG.warnf("%s failed on gateway %s: %s", what, address, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            // The single response was already logged.
        }
    }
}
