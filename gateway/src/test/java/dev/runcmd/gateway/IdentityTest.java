package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.gateway.v1.GatewayInternalGrpc;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Agent identity on the gateway, over real TLS: enrollment with join tokens (and every way a token is refused, each
 * creating nothing), the certificate as the only source of a stream's machine, and the internal listener that only
 * the control API's certificate may call.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class IdentityTest extends GatewayTestSupport {

    @Test
    void enrollmentCreatesTheMachineSpendsTheTokenAndIssuesACertificateNamingIt() {
        JoinToken token = TestTls.token(db, tls.ca(), subscription, null, 2);
        KeyPair keys = Csr.newKeyPair();

        EnrollResponse answer = enroll(token.text(), "rg-test", "new-01", Csr.create(keys, "anything"));

        X509Certificate certificate = Pem.parseCertificates(answer.getCertificatePem()).get(0);
        MachineIdentity identity = MachineIdentity.of(certificate).orElseThrow();
        assertEquals(subscription + "/rg-test/new-01", identity.describe());
        assertEquals(keys.getPublic(), certificate.getPublicKey(), "the certificate is for the agent's own key");
        assertEquals(identity.enrollment(), db.one("select enrollment_id from machine where subscription_id = $1"
                + " and name = 'new-01'", Tuple.of(subscription)).getUUID("enrollment_id"));
        assertEquals(1, db.one("select uses_left from join_token where id = $1", Tuple.of(token.id()))
                .getInteger("uses_left"));
        assertEquals(tls.ca().certificate(), Pem.parseCertificates(answer.getCaBundlePem()).get(0));
        assertTrue(certificate.getNotAfter().getTime() - System.currentTimeMillis() > 23 * 3600_000L,
                "a day's certificate by default");
    }

    @Test
    void spentExpiredUnknownAndForgedTokensAreUnauthenticatedAndCreateNothing() {
        JoinToken once = TestTls.token(db, tls.ca(), subscription, null, 1);
        enroll(once.text(), "rg-test", "first-01", csr());
        assertRefused(Status.Code.UNAUTHENTICATED, "join token " + once.id() + " is spent: all its uses were taken",
                () -> enroll(once.text(), "rg-test", "second-01", csr()));

        JoinToken expired = TestTls.token(db, tls.ca(), subscription, null, 1);
        db.execute("update join_token set expires_at = now() - interval '1 minute' where id = $1",
                Tuple.of(expired.id()));
        StatusRuntimeException late = assertThrows(StatusRuntimeException.class,
                () -> enroll(expired.text(), "rg-test", "late-01", csr()));
        assertEquals(Status.Code.UNAUTHENTICATED, late.getStatus().getCode());
        assertTrue(late.getStatus().getDescription().startsWith("join token " + expired.id() + " expired at "),
                late.getStatus().getDescription());

        JoinToken unknown = JoinToken.generate(tls.ca().publicKeyHash());
        assertRefused(Status.Code.UNAUTHENTICATED, "join token " + unknown.id()
                + " is unknown (never created, or deleted)", () -> enroll(unknown.text(), "rg-test", "x-01", csr()));

        JoinToken real = TestTls.token(db, tls.ca(), subscription, null, 1);
        JoinToken forged = new JoinToken(real.id(), JoinToken.generate(real.caHash()).secret(), real.caHash());
        assertRefused(Status.Code.UNAUTHENTICATED, "join token " + real.id()
                + " is unknown (never created, or deleted)", () -> enroll(forged.text(), "rg-test", "x-02", csr()));

        assertEquals(1, machines(), "only first-01 exists");
        assertEquals(1, db.one("select uses_left from join_token where id = $1", Tuple.of(real.id()))
                .getInteger("uses_left"), "a forged secret spends nothing");
    }

    @Test
    void tokensOutsideTheirScopeArePermissionDeniedAndCreateNothing() {
        JoinToken named = TestTls.token(db, tls.ca(), subscription, "only-01", 5);
        assertRefused(Status.Code.PERMISSION_DENIED, "join token " + named.id() + " enrolls machine only-01 only,"
                + " not other-01", () -> enroll(named.text(), "rg-test", "other-01", csr()));
        assertRefused(Status.Code.PERMISSION_DENIED, "join token " + named.id() + " enrolls machines into "
                + subscription + "/rg-test only, not " + subscription + "/rg-other",
                () -> enroll(named.text(), "rg-other", "only-01", csr()));

        JoinToken group = TestTls.token(db, tls.ca(), subscription, null, 5);
        enroll(group.text(), "rg-test", "taken-01", csr());
        assertRefused(Status.Code.PERMISSION_DENIED, "machine " + subscription + "/rg-test/taken-01 is already"
                + " enrolled; create a join token naming it (--machine-name) to enroll it again",
                () -> enroll(group.text(), "rg-test", "taken-01", csr()));

        assertEquals(1, machines());
        assertEquals(5, db.one("select uses_left from join_token where id = $1", Tuple.of(named.id()))
                .getInteger("uses_left"));
    }

    @Test
    void malformedTokensMachinesAndCsrsAreInvalidArgument() {
        JoinToken token = TestTls.token(db, tls.ca(), subscription, null, 1);
        assertRefused(Status.Code.INVALID_ARGUMENT, "join token is malformed: expected runcmd1.<16 hex>.<43"
                + " base64url>.<64 hex>, as 'runcmd machine join-token create' prints it",
                () -> enroll("runcmd1.nope", "rg-test", "m-01", csr()));
        assertRefused(Status.Code.INVALID_ARGUMENT, "csr is not a DER PKCS #10 certificate request",
                () -> enroll(token.text(), "rg-test", "m-01", new byte[] {1, 2, 3}));
        StatusRuntimeException badName = assertThrows(StatusRuntimeException.class,
                () -> enroll(token.text(), "rg-test", "..", csr()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badName.getStatus().getCode());
        assertEquals(0, machines());
        assertEquals(1, db.one("select uses_left from join_token where id = $1", Tuple.of(token.id()))
                .getInteger("uses_left"));
    }

    @Test
    void aStreamWithoutACertificateIsUnauthenticated() throws Exception {
        try (FakeAgent stranger = FakeAgent.connect(channel)) {
            stranger.send(FakeAgent.hello(subscription, "web-01"));
            Status status = stranger.awaitEnd();
            assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), status.toString());
            assertEquals("a client certificate issued by the runcmd CA is required; enroll the machine with a"
                    + " join token", status.getDescription());
        }
        assertEquals(0, machines(), "a Hello creates no machine");
    }

    @Test
    void aPlaintextConnectionIsRefused() {
        ManagedChannel plaintext = ManagedChannelBuilder.forAddress("localhost", agentPort()).usePlaintext().build();
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> AgentServiceGrpc.newBlockingStub(plaintext).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .enroll(EnrollRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());
        } finally {
            plaintext.shutdownNow();
        }
    }

    @Test
    void anAgentClaimingAnotherMachineIsDeniedAndTheRealOneIsUntouched() throws Exception {
        try (FakeAgent real = agent("victim-01"); FakeAgent impostor = agent("attacker-01")) {
            real.send(FakeAgent.hello(subscription, "victim-01"));
            String session = real.next(WELCOME).getWelcome().getSessionId();

            impostor.send(FakeAgent.hello(subscription, "victim-01"));
            Status status = impostor.awaitEnd();
            assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status.toString());
            assertEquals("the client certificate is machine " + subscription + "/rg-test/attacker-01's; Hello names "
                    + subscription + "/rg-test/victim-01", status.getDescription());

            long victim = machineId("victim-01");
            assertEquals(session, db.one("select session_id from agent_session where machine_id = $1",
                    Tuple.of(victim)).getString("session_id"), "the real agent's session is still current");
            UUID id = db.insertExecution(victim, "secret-work");
            internal.dispatch(dispatchOf("victim-01"));
            GatewayMessage run = real.next(RUN);
            assertEquals(id.toString(), run.getRun().getExecutionId(), "the real agent still gets its work");
            assertNull(impostor.poll(200), "the impostor got nothing");
            assertEquals(0, db.count("select count(*) from machine where subscription_id = $1 and name ="
                    + " 'attacker-01' and status = 'Connected'", Tuple.of(subscription)));
        }
    }

    @Test
    void theInternalApiAdmitsTheControlApiOnly() {
        ManagedChannel agentChannel = tls.enrolled(db, subscription, "curious-01");
        // The machine's certificate on the internal listener: refused.
        ManagedChannel asMachine = tls.sameCertificate(agentChannel, internalListener.port());
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class,
                () -> GatewayInternalGrpc.newBlockingStub(asMachine).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .dispatch(dispatchOf("curious-01")));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertEquals("the internal API admits the control API's certificate only", denied.getStatus().getDescription());
        // No certificate at all: the handshake fails.
        ManagedChannel anonymous = tls.anonymousTo(internalListener.port());
        StatusRuntimeException unauthenticated = assertThrows(StatusRuntimeException.class,
                () -> GatewayInternalGrpc.newBlockingStub(anonymous).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .dispatch(dispatchOf("curious-01")));
        assertEquals(Status.Code.UNAVAILABLE, unauthenticated.getStatus().getCode());
        // The agent port does not serve the internal API.
        StatusRuntimeException absent = assertThrows(StatusRuntimeException.class,
                () -> GatewayInternalGrpc.newBlockingStub(agentChannel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .dispatch(dispatchOf("curious-01")));
        assertEquals(Status.Code.UNIMPLEMENTED, absent.getStatus().getCode());
        // The control API's certificate is admitted (the machine simply has no session here).
        StatusRuntimeException admitted = assertThrows(StatusRuntimeException.class,
                () -> internal.dispatch(dispatchOf("curious-01")));
        assertEquals(Status.Code.NOT_FOUND, admitted.getStatus().getCode());
    }

    private long machines() {
        return db.count("select count(*) from machine where subscription_id = $1", Tuple.of(subscription));
    }

    private static byte[] csr() {
        return Csr.create(Csr.newKeyPair(), "m");
    }

    private EnrollResponse enroll(String token, String resourceGroup, String machine, byte[] csr) {
        return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .enroll(EnrollRequest.newBuilder()
                        .setJoinToken(token)
                        .setMachine(MachineScope.newBuilder().setSubscriptionId(subscription)
                                .setResourceGroup(resourceGroup).setMachineName(machine))
                        .setCsr(ByteString.copyFrom(csr))
                        .build());
    }

    private static void assertRefused(Status.Code code, String description, Runnable call) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, refused.getStatus().getCode(), refused.getStatus().toString());
        assertEquals(description, refused.getStatus().getDescription());
    }
}
