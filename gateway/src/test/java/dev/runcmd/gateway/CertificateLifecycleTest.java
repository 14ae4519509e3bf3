package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RENEWED;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Renew;
import dev.runcmd.proto.agent.v1.Renewed;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Tuple;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Certificates that live 4 s and heartbeats every second: a session whose agent renews over its stream outlives its
 * first certificate while a script runs and reports across it; one whose agent does not is ended when it expires; deleting the machine (revocation) ends its
 * session within seconds and refuses renewal and reconnection.
 */
@QuarkusTest
@TestProfile(CertificateLifecycleTest.ShortLived.class)
@WithTestResource(EmbeddedPostgresResource.class)
class CertificateLifecycleTest extends GatewayTestSupport {

    /** Machine certificates last 4 s; the gateway checks its sessions every second. */
    public static final class ShortLived implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runcmd.gateway.heartbeat-interval", "1s", "runcmd.gateway.silent-heartbeats", "30",
                    "runcmd.gateway.agent-certificate-lifetime", "4s");
        }
    }

    @Test
    void renewalOverTheStreamKeepsALongRunningScriptsSessionPastTheFirstCertificate() throws Exception {
        try (FakeAgent agent = agent("renewing-01")) {
            UUID id = openWithExecution(agent, "renewing-01", "long");
            String session = db.one("select session_id from agent_session where machine_id = $1",
                    Tuple.of(machineId("renewing-01"))).getString("session_id");
            internal.dispatch(dispatchOf("renewing-01"));
            assertEquals(id.toString(), agent.next(RUN).getRun().getExecutionId());
            agent.send(AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id.toString()))
                    .build());
            agent.send(ProgressMessages.started(id));
            // The script prints a line every 2 s for 9 s, more than twice the certificate's life; the agent renews
            // between its lines, on the same stream.
            long deadline = System.currentTimeMillis() + 9_000;
            long offset = 0;
            int renewals = 0;
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(2_000);
                agent.send(ProgressMessages.output(id, 1, offset, "tick\n"));
                offset += 5;
                awaitAck(agent, id, offset, 0);
                KeyPair keys = Csr.newKeyPair();
                agent.send(AgentMessage.newBuilder().setRenew(Renew.newBuilder()
                        .setCsr(ByteString.copyFrom(Csr.create(keys, "renewing-01")))).build());
                Renewed renewed = agent.next(RENEWED).getRenewed();
                assertEquals("", renewed.getRefused());
                X509Certificate certificate = Pem.parseCertificates(renewed.getCertificatePem()).get(0);
                assertEquals(keys.getPublic(), certificate.getPublicKey());
                assertEquals(subscription + "/rg-test/renewing-01",
                        MachineIdentity.of(certificate).orElseThrow().describe());
                renewals++;
            }
            agent.send(ProgressMessages.exited(id, offset, 0));
            awaitExitAck(agent, id);
            assertTrue(renewals >= 4);
            assertEquals("Succeeded", db.execution(id).getString("state"));
            assertEquals(offset, db.execution(id).getLong("stdout_bytes"));
            assertEquals(session, db.one("select session_id from agent_session where machine_id = $1",
                    Tuple.of(machineId("renewing-01"))).getString("session_id"), "the same session throughout");
        }
    }

    @Test
    void aSessionWhoseCertificateExpiresUnrenewedIsEnded() throws Exception {
        try (FakeAgent agent = agent("lapsed-01")) {
            agent.send(FakeAgent.hello(subscription, "lapsed-01"));
            agent.next(WELCOME);
            long start = System.nanoTime();
            for (int i = 0; i < 20 && !agent.hasEnded(); i++) {
                agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTimeMillis(1)).build());
                Thread.sleep(500);
            }
            Status status = agent.awaitEnd();
            assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), status.toString());
            assertTrue(status.getDescription().startsWith("the agent's certificate expired at "),
                    status.getDescription());
            assertTrue(System.nanoTime() - start < 9_000_000_000L);
        }
    }

    @Test
    void revocationEndsTheSessionAndRefusesRenewalAndReconnection() throws Exception {
        ManagedChannel enrolled = tls.enrolled(db, subscription, "revoked-01");
        try (FakeAgent agent = FakeAgent.connect(enrolled)) {
            agent.send(FakeAgent.hello(subscription, "revoked-01"));
            agent.next(WELCOME);
            // What the control API's DELETE does to the machine row.
            db.execute("update machine set revoked_at = now(), enrollment_id = null where id = $1",
                    Tuple.of(machineId("revoked-01")));
            agent.send(AgentMessage.newBuilder().setRenew(Renew.newBuilder()
                    .setCsr(ByteString.copyFrom(Csr.create(Csr.newKeyPair(), "x")))).build());
            Renewed refused = agent.next(RENEWED).getRenewed();
            assertEquals("", refused.getCertificatePem());
            assertEquals("machine " + subscription + "/rg-test/revoked-01 was deleted or enrolled again",
                    refused.getRefused());

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status.toString());
            assertEquals("machine deleted or enrolled again: this certificate's identity was revoked",
                    status.getDescription());
        }
        try (FakeAgent again = FakeAgent.connect(enrolled)) {
            again.send(FakeAgent.hello(subscription, "revoked-01"));
            Status status = again.awaitEnd();
            assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status.toString());
            assertEquals("machine " + subscription + "/rg-test/revoked-01 is not enrolled with this certificate: it"
                    + " was deleted (its identity revoked) or enrolled again since", status.getDescription());
        }
        assertEquals(0, db.count("select count(*) from agent_session s join machine m on m.id = s.machine_id"
                + " where m.subscription_id = $1", Tuple.of(subscription)));
    }
}
