package dev.runcmd.control;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Direct JDBC access to the test database: inserts what the gateway would write (machines, sessions, output)
 * and reads what the control API wrote. Each call uses its own short connection.
 */
final class Db {

    private Db() {
    }

    /** Inserts a Connected machine as an agent registration would and returns its id. */
    static long insertMachine(String subscription, String resourceGroup, String name) {
        return queryLong("insert into machine (subscription_id, resource_group, name, os_name, os_version, "
                + "agent_version, status, last_status_change) values (?, ?, ?, 'Linux', '6.1', '0.1.0', "
                + "'Connected', timestamptz '2026-11-26 10:00:00+00') returning id",
                subscription, resourceGroup, name);
    }

    /** The single long value of a query. */
    static long queryLong(String sql, Object... args) {
        return query(sql, args, rs -> rs.getLong(1));
    }

    /** The single text value of a query, or null. */
    static String queryString(String sql, Object... args) {
        return query(sql, args, rs -> rs.getString(1));
    }

    /** The single bytea value of a query, or null. */
    static byte[] queryBytes(String sql, Object... args) {
        return query(sql, args, rs -> rs.getBytes(1));
    }

    /** Runs a statement and returns the number of rows it changed. */
    static int execute(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private interface Reader<T> {

        T read(ResultSet rs) throws SQLException;
    }

    private static <T> T query(String sql, Object[] args, Reader<T> reader) {
        try (Connection c = connect(); PreparedStatement ps = prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return reader.read(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object[] args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    /** A connection of its own, for a test that holds a transaction open; the caller closes it. */
    static Connection connect() throws SQLException {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return DriverManager.getConnection(url, "postgres", "postgres");
    }
}
