package dev.runcmd.control.pki;

import dev.runcmd.control.secrets.Secrets;
import dev.runcmd.control.store.Sql;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Pem;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The shared runcmd CA in PostgreSQL (table {@code certificate_authority}, row {@value #NAME}): the control API and
 * the gateways issue with and trust the same one. The first component to start creates it; two starting at once
 * both insert with {@code on conflict do nothing} and then both read the row that won. The private key is stored
 * sealed with {@code runcmd.secrets.key} ({@link Secrets#sealPrivateKey}), as PKCS #8 PEM.
 */
@ApplicationScoped
class CaStore {

    private static final Logger LOG = Logger.getLogger(CaStore.class);

    static final String NAME = "default";
    static final String COMMON_NAME = "runcmd CA";
    static final Duration VALIDITY = Duration.ofDays(3650);

    private static final String SELECT = """
            select certificate_pem, private_key_sealed from certificate_authority where name = $1
            """;
    private static final String INSERT = """
            insert into certificate_authority (name, certificate_pem, private_key_sealed) values ($1, $2, $3)
            on conflict (name) do nothing
            """;

    private final Sql sql;
    private final Secrets secrets;

    CaStore(Sql sql, Secrets secrets) {
        this.sql = sql;
        this.secrets = secrets;
    }

    /** The stored CA, created first when no component has created it yet. */
    Uni<CertificateAuthority> loadOrCreate() {
        return select().flatMap(found -> found != null ? Uni.createFrom().item(found) : create());
    }

    /**
     * Stores {@code candidate} unless a CA is stored already, and answers the stored one: the candidate only if it
     * won.
     */
    Uni<CertificateAuthority> save(CertificateAuthority candidate) {
        Tuple row = Tuple.of(NAME, Pem.certificate(candidate.certificate()),
                secrets.sealPrivateKey(Pem.privateKey(candidate.privateKey())));
        return sql.query(INSERT, row).flatMap(inserted -> select())
                .onItem().ifNull().failWith(() -> new IllegalStateException("the runcmd CA row vanished after its "
                        + "insert"));
    }

    /** Key generation and signing take a few milliseconds: done on a worker thread, not the event loop. */
    private Uni<CertificateAuthority> create() {
        return Uni.createFrom().item(() -> CertificateAuthority.create(COMMON_NAME, VALIDITY))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(candidate -> save(candidate).invoke(stored -> {
                    if (stored.certificate().equals(candidate.certificate())) {
                        LOG.infof("Created the runcmd CA, valid until %s", stored.certificate().getNotAfter()
                                .toInstant());
                    }
                }));
    }

    private Uni<CertificateAuthority> select() {
        return sql.query(SELECT, Tuple.of(NAME)).map(rows -> {
            RowIterator<Row> iterator = rows.iterator();
            if (!iterator.hasNext()) {
                return null;
            }
            Row row = iterator.next();
            return new CertificateAuthority(Pem.parseCertificates(row.getString("certificate_pem")).get(0),
                    Pem.parsePrivateKey(secrets.openPrivateKey(row.getString("private_key_sealed"))));
        });
    }
}
