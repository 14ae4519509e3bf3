package dev.runcmd.control.grpc;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers INVALID_ARGUMENT to a call that must carry one request message (unary and server-streaming methods)
 * when the client half-closes without a valid one.
 *
 * <p>The Vert.x gRPC server, which serves gRPC on the HTTP port, drops a request message that does not parse
 * (bytes that are not that protobuf message) without a trace and then delivers the half-close, which grpc-java's
 * stubs answer with INTERNAL "Half-closed without a request": a client's mistake reported as a server fault. This
 * interceptor answers it as the client error it is, naming the expected message; the service is never invoked.
 * Calls that stream requests (client-streaming, bidi, such as server reflection) are left alone.
 */
@ApplicationScoped
@GlobalInterceptor
public class MissingRequestInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return listener;
        }
        return new RequestRequired<>(listener, call);
    }

    /** The expected request message's protobuf name, or the method's name when the marshaller does not say. */
    static String expectedMessage(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> prototypes
                && prototypes.getMessagePrototype() instanceof Message message) {
            return message.getDescriptorForType().getFullName();
        }
        return "request of " + method.getFullMethodName();
    }

    /**
     * Forwards the listener events of one call, closing it with INVALID_ARGUMENT at half-close when no message
     * came. Listener events of one call are serialized by the transport, so the flag needs no lock.
     */
    private static final class RequestRequired<Q, R>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {

        private final ServerCall<Q, R> call;
        private boolean received;

        RequestRequired(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            received = true;
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (received) {
                super.onHalfClose();
                return;
            }
            call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                    + expectedMessage(call.getMethodDescriptor()) + " message"), new Metadata());
        }
    }
}
