package dev.runcmd.control.pki;

import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.ServiceIdentity;
import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The TLS the control API dials the gateways' internal API with: its service certificate as the client certificate
 * (mutual TLS), and trust in the runcmd CA's certificates only, host names checked against the gateway's server
 * certificate. Prepared at startup in the background; a dial before it is ready waits for it.
 */
@ApplicationScoped
public class GatewayClientTls {

    private static final Logger LOG = Logger.getLogger(GatewayClientTls.class);

    private final CaProvider authorities;
    private volatile ServiceCertificate certificate;
    private volatile ChannelCredentials credentials;

    GatewayClientTls(CaProvider authorities) {
        this.authorities = authorities;
    }

    /** Loads the CA and issues the service certificate without holding up the start. */
    void prepare(@Observes StartupEvent start) {
        credentials().subscribe().with(ready -> LOG.debug("Gateway client TLS ready"),
                failure -> LOG.warnf("The runcmd CA could not be loaded yet (%s); the next call to a gateway tries "
                        + "again", failure.toString()));
    }

    /**
     * The credentials for a channel to a gateway's internal listener. The first call issues the service certificate,
     * on a worker thread.
     */
    public Uni<ChannelCredentials> credentials() {
        ChannelCredentials ready = credentials;
        return ready != null ? Uni.createFrom().item(ready)
                : authorities.ca().emitOn(Infrastructure.getDefaultWorkerPool()).map(this::create);
    }

    /** Replaces the service certificate once two thirds of its life have passed (checked every ten minutes). */
    @Scheduled(every = "10m", delayed = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renew() {
        ServiceCertificate current = certificate;
        if (current != null && current.renewIfDue(Instant.now())) {
            LOG.infof("Service certificate renewed, valid until %s",
                    current.keyManager().certificate().getNotAfter().toInstant());
        }
    }

    private synchronized ChannelCredentials create(CaBundle bundle) {
        if (credentials == null) {
            certificate = new ServiceCertificate(bundle.authority());
            credentials = TlsChannelCredentials.newBuilder()
                    .keyManager(certificate.keyManager())
                    .trustManager(new CaTrustManager(bundle.trusted()))
                    .build();
            LOG.infof("Service certificate issued (%s), valid until %s", ServiceIdentity.uri(ServiceIdentity.CONTROL_API),
                    certificate.keyManager().certificate().getNotAfter().toInstant());
        }
        return credentials;
    }
}
