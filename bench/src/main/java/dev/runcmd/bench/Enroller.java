package dev.runcmd.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.PinnedCaTrustManager;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * Enrolls simulated machines as a real agent does: one join token with a number of uses, then per machine a new
 * key pair, a CSR and an {@code AgentService.Enroll} call over TLS pinned to the token's CA hash. The token stays in
 * memory and is never printed.
 *
 * <p>Threading: {@link #enroll} may be called from many threads at once.
 */
final class Enroller {

    private final String token;
    private final String subscription;
    private final String group;
    private final SslContext pinned;

    private Enroller(String token, String subscription, String group, SslContext pinned) {
        this.token = token;
        this.subscription = subscription;
        this.group = group;
        this.pinned = pinned;
    }

    /** Creates a join token for {@code uses} machines in the client's subscription and resource group. */
    static Enroller create(ArmClient client, String group, int uses) throws Exception {
        ObjectNode properties = JsonNodeFactory.instance.objectNode().put("uses", uses).put("expiresInSeconds", 3600);
        ObjectNode body = JsonNodeFactory.instance.objectNode().set("properties", properties);
        String token = client.post(client.joinTokensPath(), body).body().path("properties").path("token").asText();
        SslContext pinned = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .protocols("TLSv1.3").trustManager(new PinnedCaTrustManager(JoinToken.parse(token).caHash())).build();
        return new Enroller(token, client.subscriptionId(), group, pinned);
    }

    /** A channel without a client certificate to the gateway on {@code port}, for Enroll calls only. */
    ManagedChannel anonymousChannel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(pinned).build();
    }

    /** Enrolls {@code machine} through {@code anonymous} (see {@link #anonymousChannel}); spends one use. */
    EnrolledMachine enroll(ManagedChannel anonymous, String machine) throws Exception {
        KeyPair keys = Csr.newKeyPair();
        MachineScope scope = MachineScope.newBuilder().setSubscriptionId(subscription).setResourceGroup(group)
                .setMachineName(machine).build();
        EnrollResponse enrolled = AgentServiceGrpc.newBlockingStub(anonymous)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .enroll(EnrollRequest.newBuilder().setJoinToken(token).setMachine(scope)
                        .setCsr(ByteString.copyFrom(Csr.create(keys, machine))).build());
        X509Certificate certificate = Pem.parseCertificates(enrolled.getCertificatePem()).get(0);
        SslContext tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .protocols("TLSv1.3")
                .keyManager(keys.getPrivate(), certificate)
                .trustManager(new CaTrustManager(Pem.parseCertificates(enrolled.getCaBundlePem())))
                .build();
        return new EnrolledMachine(scope, tls);
    }
}
