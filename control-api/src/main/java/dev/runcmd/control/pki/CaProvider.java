package dev.runcmd.control.pki;

import dev.runcmd.proto.pki.CertificateAuthority;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The runcmd CA of this control API: from the configured files ({@code runcmd.pki.ca-cert-file} and
 * {@code ca-key-file}) or else the shared row in PostgreSQL ({@link CaStore}), plus the extra trust bundle.
 *
 * <p>Loaded once and cached; never on the event loop (files and key generation run on a worker thread, the store
 * is reactive). A failed load (PostgreSQL down at start, say) is not cached: the next caller tries again. Thread-safe.
 */
@ApplicationScoped
public class CaProvider {

    private static final Logger LOG = Logger.getLogger(CaProvider.class);

    private final CaStore store;
    private final Optional<Path> certificateFile;
    private final Optional<Path> keyFile;
    private final Optional<Path> extraTrustFile;
    private final AtomicReference<Uni<CaBundle>> loading = new AtomicReference<>();

    CaProvider(CaStore store, PkiConfig config) {
        if (config.caCertFile().isPresent() != config.caKeyFile().isPresent()) {
            throw new IllegalStateException("Set both " + CaFiles.CERT_SETTING + " and " + CaFiles.KEY_SETTING
                    + " (the operator's own CA), or neither (the CA shared in PostgreSQL)");
        }
        this.store = store;
        this.certificateFile = config.caCertFile().map(Path::of);
        this.keyFile = config.caKeyFile().map(Path::of);
        this.extraTrustFile = config.extraTrustFile().map(Path::of);
    }

    /**
     * The CA and the certificates to trust, loaded on first use. The item is delivered on the caller's Vert.x
     * context when it has one, so a request may go on with its own Hibernate session afterwards.
     */
    public Uni<CaBundle> ca() {
        Context caller = Vertx.currentContext();
        Uni<CaBundle> shared = shared();
        return caller == null ? shared : shared.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private Uni<CaBundle> shared() {
        Uni<CaBundle> current = loading.get();
        if (current != null) {
            return current;
        }
        Uni<CaBundle> attempt = load()
                .onFailure().invoke(failure -> loading.set(null))
                .memoize().indefinitely();
        return loading.compareAndSet(null, attempt) ? attempt : shared();
    }

    private Uni<CaBundle> load() {
        Uni<CertificateAuthority> authority = certificateFile.isPresent()
                ? Uni.createFrom().item(() -> CaFiles.authority(certificateFile.get(), keyFile.get()))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                : store.loadOrCreate();
        return authority.flatMap(ca -> extraTrust().map(extra -> CaBundle.of(ca, extra)))
                .invoke(bundle -> LOG.infof("runcmd CA loaded from %s: %s, public key SHA-256 %s, %d certificate(s)"
                        + " trusted", certificateFile.map(Path::toString).orElse("PostgreSQL"),
                        bundle.authority().certificate().getSubjectX500Principal(), bundle.publicKeyHash(),
                        bundle.trusted().size()));
    }

    private Uni<List<X509Certificate>> extraTrust() {
        if (extraTrustFile.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().item(() -> CaFiles.extraTrust(extraTrustFile.get()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
