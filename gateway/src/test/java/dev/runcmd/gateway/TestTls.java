package dev.runcmd.gateway;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.ReloadingKeyManager;
import dev.runcmd.proto.pki.ServiceIdentity;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Tuple;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS for gateway tests, as agents and the control API see it: channels that trust the runcmd CA only, machines
 * enrolled through the real Enroll call with a join token written to the store, and a control API certificate.
 */
final class TestTls {

    private final CertificateAuthority ca;
    private final int agentPort;
    private final List<ManagedChannel> opened = new ArrayList<>();
    private final Map<String, ManagedChannel> machines = new HashMap<>();
    private final Map<ManagedChannel, Credentials> credentials = new HashMap<>();

    private record Credentials(PrivateKey key, X509Certificate certificate) {
    }

    TestTls(CertificateAuthority ca, int agentPort) {
        this.ca = ca;
        this.agentPort = agentPort;
    }

    CertificateAuthority ca() {
        return ca;
    }

    /** A channel to the agent port without a client certificate (what an enrolling agent has). */
    ManagedChannel anonymous() {
        return anonymousTo(agentPort);
    }

    /** A channel to {@code port} without a client certificate. */
    ManagedChannel anonymousTo(int port) {
        return track(Grpc.newChannelBuilderForAddress("localhost", port,
                TlsChannelCredentials.newBuilder().trustManager(new CaTrustManager(List.of(ca.certificate()))).build())
                .build());
    }

    /** A channel to {@code port} presenting the certificate an enrolled machine's channel presents. */
    ManagedChannel sameCertificate(ManagedChannel enrolled, int port) {
        Credentials held = credentials.get(enrolled);
        return channel(port, held.key(), held.certificate());
    }

    /** A channel to the internal listener with the control API's certificate. */
    ManagedChannel controlApi(int port) {
        KeyPair keys = Csr.newKeyPair();
        X509Certificate certificate = ca.issueService(keys.getPublic(), ServiceIdentity.CONTROL_API, List.of(),
                Duration.ofHours(1));
        return channel(port, keys.getPrivate(), certificate);
    }

    /** A channel to {@code port} presenting this key and certificate. */
    ManagedChannel channel(int port, PrivateKey key, X509Certificate certificate) {
        ReloadingKeyManager keys = new ReloadingKeyManager();
        keys.update(key, List.of(certificate));
        ChannelCredentials credentials = TlsChannelCredentials.newBuilder()
                .keyManager(keys)
                .trustManager(new CaTrustManager(List.of(ca.certificate())))
                .build();
        return track(Grpc.newChannelBuilderForAddress("localhost", port, credentials).build());
    }

    /** Writes a join token for one machine of the subscription's rg-test to the store. */
    static JoinToken token(TestDb db, CertificateAuthority ca, String subscription, String machine, int uses) {
        JoinToken token = JoinToken.generate(ca.publicKeyHash());
        db.execute("insert into join_token (id, secret_hash, subscription_id, resource_group, machine_name,"
                + " expires_at, uses_left) values ($1, $2, $3, 'rg-test', $4, $5, $6)",
                Tuple.tuple().addString(token.id()).addBuffer(Buffer.buffer(token.secretHash()))
                        .addString(subscription).addString(machine)
                        .addOffsetDateTime(OffsetDateTime.now().plusHours(1)).addInteger(uses));
        return token;
    }

    /**
     * A channel carrying the machine's certificate, enrolling it through the real Enroll call the first time this
     * test asks for it.
     */
    ManagedChannel enrolled(TestDb db, String subscription, String machine) {
        return machines.computeIfAbsent(subscription + "/" + machine, key -> enroll(db, subscription, machine));
    }

    /** Enrolls a machine through the real Enroll call and returns a channel carrying its certificate. */
    ManagedChannel enroll(TestDb db, String subscription, String machine) {
        JoinToken token = token(db, ca, subscription, machine, 1);
        KeyPair keys = Csr.newKeyPair();
        ManagedChannel anonymous = anonymous();
        EnrollResponse answer = AgentServiceGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS)
                .enroll(EnrollRequest.newBuilder()
                        .setJoinToken(token.text())
                        .setMachine(MachineScope.newBuilder().setSubscriptionId(subscription)
                                .setResourceGroup("rg-test").setMachineName(machine))
                        .setCsr(ByteString.copyFrom(Csr.create(keys, machine)))
                        .build());
        anonymous.shutdownNow();
        X509Certificate certificate = Pem.parseCertificates(answer.getCertificatePem()).get(0);
        ManagedChannel enrolled = channel(agentPort, keys.getPrivate(), certificate);
        credentials.put(enrolled, new Credentials(keys.getPrivate(), certificate));
        return enrolled;
    }

    private ManagedChannel track(ManagedChannel channel) {
        opened.add(channel);
        return channel;
    }

    void close() throws InterruptedException {
        for (ManagedChannel channel : opened) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : opened) {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        opened.clear();
        machines.clear();
        credentials.clear();
    }
}
