package dev.runcmd.cli.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * An embedded PostgreSQL server (real PostgreSQL 14 binaries shipped in a jar) whose data directory
 * survives restarts, for the local stack and the tests. Runs as root too: the binaries are then
 * started inside a user namespace.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The role and database every local component uses. */
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts PostgreSQL on {@code port} with its data in {@code dataDirectory}, creating the cluster
     * only if the directory holds none yet.
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, Path logFile) throws IOException {
        return start(dataDirectory, port, logFile, java.util.Map.of());
    }

    /** As {@link #start(Path, int, Path)}, with more server settings (a benchmark's {@code shared_preload_libraries}). */
    public static EmbeddedDatabase start(Path dataDirectory, int port, Path logFile,
                                         java.util.Map<String, String> settings) throws IOException {
        Files.createDirectories(dataDirectory);
        Files.createDirectories(logFile.getParent());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        settings.forEach(builder::setServerConfig);
        EmbeddedPostgres postgres = builder
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPgBinaryResolver(EmbeddedDatabase::binaries)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                // A commit is on disk when acknowledged (the library turns this off by default). The
                // library also starts the server with fsync off: a process crash loses nothing, an
                // operating-system crash may lose the last writes. Production uses a real server.
                .setServerConfig("synchronous_commit", "on")
                .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        return new EmbeddedDatabase(postgres);
    }

    /**
     * The server binaries for this platform, from the first jar on the class path that has them.
     * (The library's own resolver refuses to choose when a build tool puts a jar on the class path
     * twice.)
     */
    private static InputStream binaries(String system, String architecture) throws IOException {
        String name = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + architecture + ".txz";
        InputStream binaries = EmbeddedDatabase.class.getClassLoader().getResourceAsStream(name);
        if (binaries == null) {
            throw new IOException("no embedded PostgreSQL binaries for " + system + "/" + architecture
                    + " (" + name + "); use a PostgreSQL server instead");
        }
        return binaries;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The URL for the Vert.x reactive PostgreSQL client. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** The URL for JDBC (used by Flyway migrations). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** Stops the server (fast shutdown); the data stays. */
    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
