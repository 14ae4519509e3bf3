package dev.runcmd.control.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.EmbeddedPostgresResource;
import dev.runcmd.control.secrets.Secrets;
import dev.runcmd.control.store.Sql;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Pem;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runcmd CA shared in PostgreSQL: created at the first start (this test's database is new), its key sealed with
 * runcmd.secrets.key, and never replaced by a CA that another component created a moment later.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class CaStoreTest {

    @Inject
    CaProvider provider;

    @Inject
    CaStore store;

    @Inject
    Sql sql;

    @Inject
    Secrets secrets;

    @Test
    void theCaIsCreatedOnceWithItsPrivateKeySealed() {
        CaBundle bundle = await(provider.ca());
        Row row = await(sql.query("select certificate_pem, private_key_sealed, "
                + "(select count(*) from certificate_authority) as rows from certificate_authority where name = $1",
                Tuple.of("default"))).iterator().next();

        X509Certificate certificate = bundle.authority().certificate();
        assertEquals(1L, row.getLong("rows"));
        assertEquals(Pem.certificate(certificate), row.getString("certificate_pem"));
        String sealed = row.getString("private_key_sealed");
        assertTrue(sealed.startsWith("v1:"), "the key is not sealed");
        assertFalse(sealed.contains("PRIVATE KEY"), "the key is stored in the clear");
        assertArrayEquals(bundle.authority().privateKey().getEncoded(),
                Pem.parsePrivateKey(secrets.openPrivateKey(sealed)).getEncoded());
        assertEquals("CN=runcmd CA", certificate.getSubjectX500Principal().getName());
        assertTrue(certificate.getBasicConstraints() >= 0, "not a CA certificate");
        assertEquals(Duration.ofDays(3650).plusMinutes(5), Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant()));
        assertEquals(List.of(certificate), bundle.trusted());
    }

    @Test
    void aCaStoredFirstByAnotherComponentWins() {
        X509Certificate stored = await(provider.ca()).authority().certificate();
        CertificateAuthority late = CertificateAuthority.create("runcmd CA", Duration.ofDays(1));

        assertEquals(stored, await(store.save(late)).certificate());
        assertEquals(stored, await(store.loadOrCreate()).certificate());
        assertEquals(1L, await(sql.query("select count(*) from certificate_authority", Tuple.tuple()))
                .iterator().next().getLong(0));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }
}
