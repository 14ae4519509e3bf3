package dev.runcmd.gateway;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private final Path log;
    private final Process process;
    private int grpcPort;

    private GatewayProcess(EmbeddedPostgres postgres, String gatewayId, Path log, Process process) {
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
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.datasource.reactive.url=postgresql://localhost:" + postgres.getPort() + "/postgres",
                "-Dquarkus.datasource.username=postgres", "-Dquarkus.datasource.password=postgres",
                "-Dquarkus.grpc.server.port=0", "-Dquarkus.http.port=0",
                "-Druncmd.secrets.key=" + TEST_SECRETS_KEY, "-Druncmd.gateway.id=" + id,
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayProcess gateway = new GatewayProcess(postgres, id, log, process);
        gateway.awaitRegistration();
        return gateway;
    }

    int grpcPort() {
        return grpcPort;
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
                grpcPort = Integer.parseInt(address.toString().substring(address.toString().lastIndexOf(':') + 1));
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
