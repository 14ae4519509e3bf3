package dev.runcmd.gateway;

import dev.runcmd.proto.pki.CaTrustManager;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.ReloadingKeyManager;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code target/quarkus-app}) as a real process against an embedded
 * PostgreSQL, for tests of what only a real process shows: SIGTERM, exit, and its bounds.
 */
final class GatewayProcess implements AutoCloseable {

    /** The key of the test profile (public; it protects nothing). */
    private static final String TEST_SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    final EmbeddedPostgres postgres;
    final String gatewayId;
    /** The operator's own CA, given to the gateway by configuration (runcmd.pki.ca-cert-file / ca-key-file). */
    final CertificateAuthority ca;
    private final Path log;
    private final Process process;
    private final int grpcPort;

    private GatewayProcess(EmbeddedPostgres postgres, String gatewayId, Path log, Process process,
                           CertificateAuthority ca, int grpcPort) {
        this.ca = ca;
        this.grpcPort = grpcPort;
        this.postgres = postgres;
        this.gatewayId = gatewayId;
        this.log = log;
        this.process = process;
    }

    /** Starts PostgreSQL (migrated) and the gateway, and waits until the gateway registered. */
    static GatewayProcess start() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        EmbeddedPostgresResource.migrate(postgres.getPostgresDatabase());
        Path log = Files.createTempFile(Path.of("target"), "gateway-it-", ".log");
        String id = "gw-it-" + UUID.randomUUID().toString().substring(0, 8);
        CertificateAuthority ca = CertificateAuthority.create("operator CA", Duration.ofDays(1));
        Path pki = Files.createTempDirectory(Path.of("target"), "gateway-it-pki-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path caCertificate = Files.writeString(pki.resolve("ca.pem"), Pem.certificate(ca.certificate()));
        Path caKey = Files.writeString(pki.resolve("ca.key"), Pem.privateKey(ca.privateKey()));
        int grpcPort = freePort();
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.datasource.reactive.url=postgresql://localhost:" + postgres.getPort() + "/postgres",
                "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                "-Dquarkus.grpc.server.port=" + grpcPort, "-Dquarkus.http.port=0",
                "-Druncmd.gateway.internal-port=0",
                "-Druncmd.pki.ca-cert-file=" + caCertificate, "-Druncmd.pki.ca-key-file=" + caKey,
                "-Druncmd.secrets.key=" + TEST_SECRETS_KEY, "-Druncmd.gateway.id=" + id,
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayProcess gateway = new GatewayProcess(postgres, id, log, process, ca, grpcPort);
        gateway.awaitRegistration();
        return gateway;
    }

    int grpcPort() {
        return grpcPort;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Enrolls the machine the way the CA allows without a token (a new enrollment id on its row, a certificate for it
     * issued here) and returns a channel to the agent port presenting that certificate.
     */
    ManagedChannel machineChannel(String subscription, String name) throws SQLException {
        UUID enrollment = UUID.randomUUID();
        update("update machine set enrollment_id = ? where subscription_id = ? and name = ?", enrollment,
                subscription, name);
        KeyPair keys = Csr.newKeyPair();
        X509Certificate certificate = ca.issueMachine(keys.getPublic(),
                new MachineIdentity(subscription, "rg-test", name, enrollment), Duration.ofHours(1));
        ReloadingKeyManager keyManager = new ReloadingKeyManager();
        keyManager.update(keys.getPrivate(), List.of(certificate));
        return Grpc.newChannelBuilderForAddress("localhost", grpcPort, TlsChannelCredentials.newBuilder()
                .keyManager(keyManager).trustManager(new CaTrustManager(List.of(ca.certificate()))).build()).build();
    }

    /** Sends SIGTERM and returns how long the process took to exit; fails past {@code atMost}. */
    Duration terminate(Duration atMost) throws InterruptedException {
        long started = System.nanoTime();
        process.destroy();
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("gateway did not exit within " + atMost + " of SIGTERM; log: " + log);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    Connection database() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    /** The first column of the first row, or null when there is no row. */
    Object scalar(String sql, Object... values) throws SQLException {
        try (Connection connection = database(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getObject(1) : null;
            }
        }
    }

    void update(String sql, Object... values) throws SQLException {
        try (Connection connection = database(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    private void awaitRegistration() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Object address = scalar("select address from gateway where id = ?", gatewayId);
            if (address != null) {
                return;
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("gateway did not register within 60 s; log: " + log);
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        postgres.close();
    }
}
