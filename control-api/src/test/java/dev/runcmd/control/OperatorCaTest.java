package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.Pem;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CA the operator supplies as files (runcmd.pki.ca-cert-file, ca-key-file) replaces the one in PostgreSQL, and the
 * certificates of runcmd.pki.extra-trust-file (an older CA, during a rotation) are still trusted for gateways.
 */
@QuarkusTest
@TestProfile(OperatorCaTest.OperatorCa.class)
@WithTestResource(EmbeddedPostgresResource.class)
class OperatorCaTest {

    @Test
    void joinTokensCarryTheOperatorCaAndNoCaIsStored() {
        String token = request().contentType(ContentType.JSON).body("{}").post(Arm.joinTokens("rg-operator-ca"))
                .then().statusCode(201).extract().jsonPath().getString("properties.token");

        assertEquals(OperatorCa.CURRENT.publicKeyHash(), JoinToken.parse(token).caHash());
        assertEquals(0, Db.queryLong("select count(*) from certificate_authority"));
    }

    @Test
    void gatewaysWithCertificatesOfTheCaOrOfTheExtraTrustAreDialed() throws Exception {
        try (FakeGateway current = new FakeGateway(OperatorCa.CURRENT, OperatorCa.CURRENT.certificate());
                FakeGateway old = new FakeGateway(OperatorCa.OLD, OperatorCa.CURRENT.certificate())) {
            dispatchThrough(current, "gw-current", "m-current");
            dispatchThrough(old, "gw-old", "m-old");
        }
    }

    private static void dispatchThrough(FakeGateway gateway, String gatewayId, String machine)
            throws InterruptedException {
        Db.execute("insert into gateway (id, address) values (?, ?)", gatewayId, gateway.address());
        long machineId = Db.insertMachine(Arm.SUB, "rg-operator-ca", machine);
        Db.execute("insert into agent_session (machine_id, gateway_id, session_id) values (?, ?, ?)", machineId,
                gatewayId, "s-" + machine);

        put(runCommand("rg-operator-ca", machine, "rc"), Arm.scriptBody("echo")).statusCode(201);

        assertNotNull(gateway.nextDispatch(), "no Dispatch reached " + gatewayId + " within 5 s");
    }

    /** The operator's CA and an older one, written to files once per test run. */
    public static final class OperatorCa implements QuarkusTestProfile {

        static final CertificateAuthority CURRENT = CertificateAuthority.create("operator CA", Duration.ofDays(30));
        static final CertificateAuthority OLD = CertificateAuthority.create("previous CA", Duration.ofDays(30));

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("runcmd-operator-ca");
                dir.toFile().deleteOnExit();
                return Map.of(
                        "runcmd.pki.ca-cert-file", write(dir, "ca.pem", Pem.certificate(CURRENT.certificate())),
                        "runcmd.pki.ca-key-file", write(dir, "ca-key.pem", Pem.privateKey(CURRENT.privateKey())),
                        "runcmd.pki.extra-trust-file", write(dir, "old-ca.pem", Pem.certificate(OLD.certificate())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String write(Path dir, String name, String pem) throws IOException {
            Path file = Files.writeString(dir.resolve(name), pem);
            file.toFile().deleteOnExit();
            return file.toString();
        }
    }
}
