package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.pki.EnrollmentStore;
import dev.runcmd.gateway.pki.GatewayTls;
import dev.runcmd.gateway.session.MachineScopes;
import dev.runcmd.gateway.store.StoreFailures;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.agent.v1.EnrollResponse;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.Pem;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import org.jboss.logging.Logger;

/**
 * AgentService.Enroll: a join token and a CSR in, the machine's first certificate out. The request is checked in full
 * before the store is touched; the token's use is spent and the machine created in one transaction.
 */
@Singleton
final class Enrollment {

    private static final Logger LOG = Logger.getLogger(Enrollment.class);

    private final EnrollmentStore store;
    private final GatewayTls tls;

    Enrollment(EnrollmentStore store, GatewayTls tls) {
        this.store = store;
        this.tls = tls;
    }

    Uni<EnrollResponse> enroll(EnrollRequest request) {
        JoinToken token;
        PublicKey key;
        MachineScope machine = request.getMachine();
        try {
            String problem = !request.hasMachine() ? "machine must be set"
                    : MachineScopes.problem(machine, "machine").orElse(null);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            token = JoinToken.parse(request.getJoinToken());
            key = Csr.verifiedKey(request.getCsr().toByteArray());
        } catch (IllegalArgumentException invalid) {
            return Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(invalid.getMessage())
                    .asRuntimeException());
        }
        if (!tls.isReady()) {
            return Uni.createFrom().failure(Status.UNAVAILABLE.withDescription("the runcmd CA is not loaded yet")
                    .asRuntimeException());
        }
        return store.enroll(token, machine.getSubscriptionId(), machine.getResourceGroup(), machine.getMachineName(),
                        identity -> tls.issueMachine(key, identity))
                .map(certificate -> answer(certificate, MachineScopes.describe(machine), token))
                .onFailure().invoke(failure -> LOG.warnf("Enrollment of %s with %s refused: %s",
                        MachineScopes.describe(machine), token, StoreFailures.toStatus(failure).getDescription()))
                .onFailure().transform(failure -> StoreFailures.toStatus(failure).asRuntimeException());
    }

    private EnrollResponse answer(X509Certificate certificate, String machine, JoinToken token) {
        LOG.infof("Enrolled %s with %s; certificate valid until %s", machine, token,
                certificate.getNotAfter().toInstant());
        return EnrollResponse.newBuilder()
                .setCertificatePem(Pem.certificate(certificate))
                .setCaBundlePem(tls.bundlePem())
                .setNotAfterMillis(certificate.getNotAfter().getTime())
                .build();
    }
}
