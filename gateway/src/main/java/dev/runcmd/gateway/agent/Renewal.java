package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.pki.EnrollmentStore;
import dev.runcmd.gateway.pki.GatewayTls;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.Credential;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Renew;
import dev.runcmd.proto.agent.v1.Renewed;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Renew on an open stream: a new certificate for the same machine and enrollment, for a key the CSR proves, as long as
 * that enrollment is still the machine's current one. The answer (Renewed, with a certificate or why not) goes back on
 * the same stream; a refusal does not end it (the agent keeps its current certificate until it expires).
 */
@Singleton
final class Renewal {

    private static final Logger LOG = Logger.getLogger(Renewal.class);

    private final EnrollmentStore enrollments;
    private final GatewayTls tls;

    Renewal(EnrollmentStore enrollments, GatewayTls tls) {
        this.enrollments = enrollments;
        this.tls = tls;
    }

    Uni<Void> renew(AgentSession session, Renew renew) {
        MachineIdentity identity = session.credential().identity();
        PublicKey key;
        try {
            key = Csr.verifiedKey(renew.getCsr().toByteArray());
        } catch (IllegalArgumentException invalid) {
            return refuse(session, invalid.getMessage());
        }
        return enrollments.enrollments(List.of(session.machineId())).chain(current -> {
            UUID enrollment = current.get(session.machineId());
            if (!identity.enrollment().equals(enrollment)) {
                return refuse(session, "machine " + identity.describe() + " was deleted or enrolled again");
            }
            X509Certificate certificate = tls.issueMachine(key, identity);
            session.credential(new Credential(identity, certificate.getNotAfter().toInstant()));
            session.send(GatewayMessage.newBuilder().setRenewed(Renewed.newBuilder()
                    .setCertificatePem(Pem.certificate(certificate))
                    .setCaBundlePem(tls.bundlePem())
                    .setNotAfterMillis(certificate.getNotAfter().getTime())).build());
            LOG.infof("%s: certificate renewed, valid until %s", session, certificate.getNotAfter().toInstant());
            return Uni.createFrom().voidItem();
        });
    }

    private static Uni<Void> refuse(AgentSession session, String why) {
        LOG.warnf("%s: renewal refused: %s", session, why);
        session.send(GatewayMessage.newBuilder().setRenewed(Renewed.newBuilder().setRefused(why)).build());
        return Uni.createFrom().voidItem();
    }
}
