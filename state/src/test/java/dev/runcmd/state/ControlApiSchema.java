package dev.runcmd.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real schema for the statement tests: control-api owns it (Flyway), so its migrations are applied here in
 * version order, as the gateway's tests apply them.
 */
final class ControlApiSchema {

    private static final Path MIGRATIONS = Path.of("..", "control-api", "src", "main", "resources", "db", "migration");

    private ControlApiSchema() {
    }

    static void apply(Connection connection) throws IOException, SQLException {
        try (Statement statement = connection.createStatement()) {
            for (Path migration : migrations()) {
                statement.execute(Files.readString(migration));
            }
        }
    }

    private static List<Path> migrations() throws IOException {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            List<Path> found = files.filter(file -> file.getFileName().toString().matches("V\\d+__.+\\.sql"))
                    .sorted(Comparator.comparingInt(ControlApiSchema::version))
                    .toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no migrations in " + MIGRATIONS.toAbsolutePath());
            }
            return found;
        }
    }

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
