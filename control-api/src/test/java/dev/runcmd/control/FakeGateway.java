package dev.runcmd.control;

import dev.runcmd.proto.gateway.v1.CancelRequest;
import dev.runcmd.proto.gateway.v1.CancelResponse;
import dev.runcmd.proto.gateway.v1.DispatchRequest;
import dev.runcmd.proto.gateway.v1.DispatchResponse;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A gateway's internal gRPC API on a free local port that records every Dispatch and Cancel it receives and
 * answers them successfully, so tests can see what the control API sends after a commit.
 */
final class FakeGateway implements AutoCloseable {

    final BlockingQueue<DispatchRequest> dispatches = new LinkedBlockingQueue<>();
    final BlockingQueue<CancelRequest> cancels = new LinkedBlockingQueue<>();
    private final Server server;

    FakeGateway() throws IOException {
        server = ServerBuilder.forPort(0).addService(new Recorder()).build().start();
    }

    /** The address to register in the gateway table. */
    String address() {
        return "localhost:" + server.getPort();
    }

    /** The next Dispatch received, or null after five seconds. */
    DispatchRequest nextDispatch() throws InterruptedException {
        return dispatches.poll(5, TimeUnit.SECONDS);
    }

    /** The next Cancel received, or null after five seconds. */
    CancelRequest nextCancel() throws InterruptedException {
        return cancels.poll(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Recorder extends GatewayInternalGrpc.GatewayInternalImplBase {

        @Override
        public void dispatch(DispatchRequest request, StreamObserver<DispatchResponse> response) {
            dispatches.add(request);
            response.onNext(DispatchResponse.newBuilder().setDelivered(1).build());
            response.onCompleted();
        }

        @Override
        public void cancel(CancelRequest request, StreamObserver<CancelResponse> response) {
            cancels.add(request);
            response.onNext(CancelResponse.getDefaultInstance());
            response.onCompleted();
        }
    }
}
