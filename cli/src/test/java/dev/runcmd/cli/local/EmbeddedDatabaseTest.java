package dev.runcmd.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesARestart() throws Exception {
        Path logFile = dataDir.resolve("logs/postgres.log");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("pg"), Ports.free(), logFile)) {
            execute(database, "create table kept (value text); insert into kept values ('still here')");
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("pg"), Ports.free(), logFile);
             Connection connection = connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select value from kept")) {
            rows.next();
            assertEquals("still here", rows.getString(1));
        }
    }

    private static void execute(EmbeddedDatabase database, String sql) throws Exception {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect(EmbeddedDatabase database) throws Exception {
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }
}
