package dev.runcmd.bench;

import dev.runcmd.proto.agent.v1.MachineScope;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

/**
 * A machine that enrolled: its scope and the client TLS context holding the certificate the gateway issued it
 * (mutual TLS 1.3, trusting the CA bundle of the enrollment).
 */
record EnrolledMachine(MachineScope scope, SslContext tls) {

    /** A new channel to the gateway on {@code port}, on its own TLS connection with this machine's certificate. */
    ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(tls).build();
    }
}
