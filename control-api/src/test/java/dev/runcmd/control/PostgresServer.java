package dev.runcmd.control;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The tests' PostgreSQL server (zonky embedded) with a data directory of its own, so that a test can stop it and
 * start it again on the same port with the same data, as an operator's restart would.
 *
 * <p>Thread-safe: every method holds this object's monitor.
 */
public final class PostgresServer {

    private final Path dataDirectory;
    private int port;
    private EmbeddedPostgres postgres; // guarded by this; null while stopped

    private PostgresServer(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** Initializes a new data directory and starts the server on a free port. */
    static PostgresServer create() {
        try {
            PostgresServer server = new PostgresServer(Files.createTempDirectory("runcmd-control-pg"));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    /** The port the server listens on, the same after every restart. */
    synchronized int port() {
        return port;
    }

    /** Stops the server (fast shutdown: open connections are terminated). */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop", e);
        } finally {
            postgres = null;
        }
    }

    /** Starts the server again on its port over its data directory; does nothing when it runs. */
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false).start();
            port = postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    /** Stops the server and deletes its data directory. */
    synchronized void destroy() {
        stop();
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dataDirectory, e);
        }
    }
}
