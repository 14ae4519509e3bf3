package dev.runcmd.control;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a private PostgreSQL (zonky embedded, on a free port) for the test application and points both the
 * reactive URL and the JDBC URL (used by Flyway and by the tests' direct inserts) at it. Test fields of type
 * {@link PostgresServer} receive the server, so a test can stop and restart it.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private PostgresServer server;

    @Override
    public Map<String, String> start() {
        server = PostgresServer.create();
        int port = server.port();
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.MatchesType(PostgresServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
