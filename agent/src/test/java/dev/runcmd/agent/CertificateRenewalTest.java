package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.agent.FakeGateway.Received;
import dev.runcmd.agent.identity.ClientTls;
import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityStore;
import dev.runcmd.agent.identity.Renewer;
import dev.runcmd.agent.transport.SessionState;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import io.grpc.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with its identity over real TLS 1.3 on loopback: the gateway sees the machine's client certificate;
 * two thirds into the certificate's time the agent renews it over its open stream with a new key, stores it, and
 * presents it on its next connection; a refused renewal is asked again; an expired certificate is called out; a
 * gateway certified by another CA is not trusted.
 */
class CertificateRenewalTest {
    private static final String MACHINE = "m-1";
    /** A certificate this short is due for renewal four seconds after the agent got it. */
    private static final Duration SHORT = Duration.ofSeconds(6);

    @TempDir
    Path workDir;
    private final TestPki pki = new TestPki();
    private final List<Server> servers = new ArrayList<>();
    private LogRecorder log;
    private Agent agent;

    @BeforeEach
    void startLog() {
        log = LogRecorder.start();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        log.close();
    }

    @Test
    void theGatewaySeesTheMachinesClientCertificate() throws Exception {
        FakeGateway gateway = new FakeGateway();
        PeerCertificates peers = new PeerCertificates();
        Identity identity = pki.storeIdentity(identityDir(), MACHINE, Duration.ofHours(1));

        startAgent(identity, start(pki, gateway, peers));
        gateway.await(AgentMessage::hasHello, AgentTestSupport.PROMPTLY);

        assertEquals(List.of(identity.certificate()), peers.calls());
        assertEquals("sub-1/rg-1/m-1", MachineIdentity.of(peers.calls().get(0)).orElseThrow().describe());
    }

    @Test
    void renewsTwoThirdsIntoTheCertificateOverTheOpenStream() throws Exception {
        FakeGateway gateway = new FakeGateway();
        gateway.issueFrom(pki.ca, Duration.ofHours(1));
        gateway.announceHeartbeatEvery(1);
        Identity first = pki.storeIdentity(identityDir(), MACHINE, SHORT);
        long stored = System.nanoTime();

        startAgent(first, start(pki, gateway, new PeerCertificates()));
        Received renew = gateway.await(AgentMessage::hasRenew, Duration.ofSeconds(10));
        AgentTestSupport.awaitTrue("the renewed certificate is stored", AgentTestSupport.PROMPTLY,
                () -> !storedCertificate().equals(first.certificate()));

        long after = TimeUnit.NANOSECONDS.toMillis(renew.nanos() - stored);
        assertTrue(after >= 3000 && after < SHORT.toMillis(), "renewed " + after + " ms after the certificate came");
        Identity renewed = new IdentityStore(identityDir()).load().orElseThrow();
        assertEquals(first.machine(), renewed.machine(), "the same machine and enrollment");
        assertArrayEquals(Csr.verifiedKey(renew.message().getRenew().getCsr().toByteArray()).getEncoded(),
                renewed.certificate().getPublicKey().getEncoded(), "the certificate is for the key the CSR proved");
        assertNotEquals(first.certificate().getPublicKey(), renewed.certificate().getPublicKey(), "a new key pair");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(identityDir().resolve("key.pem"))));
        assertEquals(List.of("ca.pem", "cert.pem", "key.pem"), Files.list(identityDir())
                .map(p -> p.getFileName().toString()).sorted().toList());

        gateway.send(command(run("after-renewal", "echo still here")));
        AgentTestSupport.assertExited(gateway.awaitExited("after-renewal", AgentTestSupport.PROMPTLY),
                ExitState.SUCCEEDED, 0);
        assertEquals(SessionState.OPEN, agent.sessionState());
        assertTrue(gateway.received().stream().allMatch(r -> r.stream() == 1), "one stream throughout");
        assertEquals(1, gateway.received().stream().filter(r -> r.message().hasHello()).count());
    }

    @Test
    void theNextConnectionPresentsTheRenewedCertificate() throws Exception {
        FakeGateway gateway = new FakeGateway();
        gateway.issueFrom(pki.ca, Duration.ofHours(1));
        gateway.announceHeartbeatEvery(1);
        PeerCertificates peers = new PeerCertificates();
        Identity identity = pki.storeIdentity(identityDir(), MACHINE, SHORT);
        // The first connection is retired after a second, so the next stream needs a new TLS handshake.
        Server server = pki.startGateway(gateway, peers, Duration.ofSeconds(1));
        servers.add(server);
        startAgent(identity, server);
        gateway.await(AgentMessage::hasRenew, Duration.ofSeconds(10));
        AgentTestSupport.awaitTrue("the renewed certificate is stored", AgentTestSupport.PROMPTLY,
                () -> !storedCertificate().equals(identity.certificate()));

        gateway.failStream();
        gateway.awaitReceived(r -> r.message().hasHello() && r.stream() == 2, Duration.ofSeconds(10));

        assertEquals(List.of(identity.certificate(), storedCertificate()), peers.calls(),
                "the first stream with the first certificate, the second with the renewed one");
    }

    @Test
    void aRefusedRenewalIsLoggedAndAskedAgainOnTheSameStream() throws Exception {
        FakeGateway gateway = new FakeGateway();
        gateway.issueFrom(pki.ca, Duration.ofHours(1));
        gateway.announceHeartbeatEvery(1);
        gateway.refuseNextRenewal("the CA is being rotated");
        Identity identity = pki.storeIdentity(identityDir(), MACHINE, SHORT);

        startAgent(identity, start(pki, gateway, new PeerCertificates()));
        log.await(Level.WARNING, "The gateway refused to renew the machine certificate: the CA is being rotated",
                Duration.ofSeconds(10));
        AgentTestSupport.awaitTrue("the second request's certificate is stored", Duration.ofSeconds(10),
                () -> !storedCertificate().equals(identity.certificate()));

        List<AgentMessage> renews = gateway.received().stream().map(Received::message)
                .filter(AgentMessage::hasRenew).toList();
        assertEquals(2, renews.size());
        assertEquals(renews.get(0), renews.get(1), "the same request again, for the same new key");
        assertTrue(gateway.received().stream().allMatch(r -> r.stream() == 1), "one stream throughout");
    }

    @Test
    void aGatewayCertifiedByAnotherCaIsNotTrusted() throws Exception {
        FakeGateway impostor = new FakeGateway();
        PeerCertificates peers = new PeerCertificates();
        Identity identity = pki.storeIdentity(identityDir(), MACHINE, Duration.ofHours(1));

        startAgent(identity, start(new TestPki(), impostor, peers));
        String line = log.await(Level.INFO, "Gateway not reachable (UNAVAILABLE", AgentTestSupport.PROMPTLY);

        assertTrue(line.contains("PKIX path"), line);
        assertEquals(List.of(), peers.calls(), "no call reached the impostor");
        assertEquals(List.of(), impostor.received());
    }

    @Test
    void aStreamEndingAfterTheCertificateExpiredSaysToEnrollAgain() throws Exception {
        Identity expired = pki.storeIdentity(identityDir(), MACHINE, Duration.ofMinutes(-1));
        Renewer renewer = new Renewer(new IdentityStore(identityDir()), new ClientTls(expired), expired);

        renewer.onStreamEnded();

        log.await(Level.SEVERE, "The machine certificate expired at " + expired.notAfter() + "; gateways refuse it:"
                + " enroll again with a new join token", AgentTestSupport.PROMPTLY);
    }

    private Server start(TestPki authority, FakeGateway gateway, PeerCertificates peers) throws Exception {
        Server server = authority.startGateway(gateway, peers);
        servers.add(server);
        return server;
    }

    /** Starts the agent as machine m-1 with {@code identity}, dialling {@code gateways} in turn over TLS. */
    private void startAgent(Identity identity, Server... gateways) throws Exception {
        String addresses = String.join(",", java.util.Arrays.stream(gateways)
                .map(server -> "127.0.0.1:" + server.getPort()).toList());
        AgentConfig config = AgentConfig.from(Map.of(), new String[] {"--gateway", addresses, "--work-dir",
                workDir.toString(), "--machine-name", MACHINE, "--subscription-id", TestPki.SUBSCRIPTION,
                "--resource-group", TestPki.RESOURCE_GROUP, "--stop-mode", "cancel"});
        agent = Main.agent(config, new IdentityStore(config.identityDir()), identity);
        agent.start();
    }

    private Path identityDir() {
        return workDir.resolve("identity");
    }

    /**
     * The certificate in cert.pem, read while the agent may be writing (the store renames it in place last, after
     * key.pem: once it changed, the whole new identity is there).
     */
    private X509Certificate storedCertificate() {
        try {
            return Pem.parseCertificates(Files.readString(identityDir().resolve("cert.pem"))).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
