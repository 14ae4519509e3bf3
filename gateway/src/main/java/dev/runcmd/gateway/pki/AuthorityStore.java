package dev.runcmd.gateway.pki;

import dev.runcmd.gateway.config.Secrets;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Pem;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the runcmd CA comes from: the operator's own (runcmd.pki.ca-cert-file and ca-key-file), or the
 * {@code certificate_authority} row that the first component to start created, its key sealed with
 * runcmd.secrets.key. Control API and gateways read the same row, so they issue and trust the same CA.
 */
@Singleton
public class AuthorityStore {

    private static final String NAME = "default";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final String INSERT = """
            insert into certificate_authority (name, certificate_pem, private_key_sealed)
            values ($1, $2, $3) on conflict (name) do nothing""";
    private static final String SELECT = """
            select certificate_pem, private_key_sealed from certificate_authority where name = $1""";

    private final Pool pool;
    private final Secrets secrets;
    private final Optional<Path> certificateFile;
    private final Optional<Path> keyFile;
    private final Optional<Path> extraTrustFile;

    AuthorityStore(Pool pool, Secrets secrets,
                   @ConfigProperty(name = "runcmd.pki.ca-cert-file") Optional<Path> certificateFile,
                   @ConfigProperty(name = "runcmd.pki.ca-key-file") Optional<Path> keyFile,
                   @ConfigProperty(name = "runcmd.pki.extra-trust-file") Optional<Path> extraTrustFile) {
        if (certificateFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("set both runcmd.pki.ca-cert-file and runcmd.pki.ca-key-file, or neither");
        }
        this.pool = pool;
        this.secrets = secrets;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.extraTrustFile = extraTrustFile;
    }

    /** The CA, creating it in the store if no component did yet. Fails while the schema is missing. */
    public Uni<CertificateAuthority> load() {
        if (certificateFile.isPresent()) {
            return Uni.createFrom().item(() -> new CertificateAuthority(
                    Pem.parseCertificates(read(certificateFile.get())).get(0),
                    Pem.parsePrivateKey(read(keyFile.get()))));
        }
        return select().chain(found -> found.isPresent() ? Uni.createFrom().item(found.get()) : create());
    }

    /** Older CA certificates still trusted during a rotation (runcmd.pki.extra-trust-file), or none. */
    public List<X509Certificate> extraTrust() {
        return extraTrustFile.map(file -> new ArrayList<>(Pem.parseCertificates(read(file))))
                .map(List::<X509Certificate>copyOf).orElse(List.of());
    }

    private Uni<CertificateAuthority> create() {
        CertificateAuthority created = CertificateAuthority.create("runcmd CA", CA_VALIDITY);
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(NAME, Pem.certificate(created.certificate()),
                        secrets.seal(Pem.privateKey(created.privateKey()))))
                .chain(() -> select())
                .map(Optional::orElseThrow);
    }

    private Uni<Optional<CertificateAuthority>> select() {
        return pool.preparedQuery(SELECT).execute(Tuple.of(NAME)).map(rows -> {
            var iterator = rows.iterator();
            if (!iterator.hasNext()) {
                return Optional.empty();
            }
            Row row = iterator.next();
            return Optional.of(new CertificateAuthority(
                    Pem.parseCertificates(row.getString("certificate_pem")).get(0),
                    Pem.parsePrivateKey(secrets.open(row.getString("private_key_sealed")))));
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read " + file, unreadable);
        }
    }
}
