package dev.runcmd.bench;

import dev.runcmd.cli.local.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the fleet benchmark reads straight from PostgreSQL, on one connection of its own: connected machines,
 * terminal executions and the server's connections.
 */
final class FleetQueries implements AutoCloseable {

    private static final String CONNECTED = """
            select count(*) from machine where subscription_id = ? and status = 'Connected'""";
    private static final String TERMINAL = """
            select count(*), count(*) filter (where e.state = 'Succeeded')
            from execution e join machine m on m.id = e.machine_id
            where m.subscription_id = ? and e.run_command_name = ?
              and e.state in ('Succeeded', 'Failed', 'TimedOut', 'Canceled')""";
    private static final String CONNECTIONS = """
            select count(*), count(*) filter (where backend_type = 'client backend' and pid <> pg_backend_pid())
            from pg_stat_activity""";

    private final Connection connection;

    FleetQueries(EmbeddedDatabase database) throws SQLException {
        connection = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }

    /** Machines of {@code subscription} whose status is Connected. */
    long connected(String subscription) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CONNECTED)) {
            statement.setString(1, subscription);
            return single(statement)[0];
        }
    }

    /** Terminal executions of the run command {@code name} in {@code subscription}: {all, succeeded}. */
    long[] terminal(String subscription, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TERMINAL)) {
            statement.setString(1, subscription);
            statement.setString(2, name);
            return single(statement);
        }
    }

    /** {all rows of pg_stat_activity, client backends other than this one}. */
    long[] connections() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CONNECTIONS)) {
            return single(statement);
        }
    }

    private static long[] single(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            row.next();
            long[] values = new long[row.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.getLong(i + 1);
            }
            return values;
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
