package dev.runcmd.bench;

import dev.runcmd.cli.local.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the time of a run goes, from the timestamps the services store (PostgreSQL's clock):
 * created (control API's insert) → dispatched (a gateway's claim) → accepted (the agent's Accepted
 * stored) → started (Started stored) → ended (Exited stored). Medians over every execution.
 */
final class Stages {

    private static final String MEDIANS = """
            select percentile_cont(0.5) within group (order by extract(epoch from dispatched_at - created_at)) * 1000,
                   percentile_cont(0.5) within group (order by extract(epoch from accepted_at - dispatched_at)) * 1000,
                   percentile_cont(0.5) within group (order by extract(epoch from start_time - accepted_at)) * 1000,
                   percentile_cont(0.5) within group (order by extract(epoch from end_time - start_time)) * 1000,
                   percentile_cont(0.5) within group (order by extract(epoch from end_time - created_at)) * 1000,
                   count(*)
            from execution where end_time is not null""";

    private Stages() {
    }

    /** Prints the median of each stage. */
    static void print(EmbeddedDatabase database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(MEDIANS)) {
            row.next();
            System.out.printf("Stages (medians over %d runs, server clock): created -> dispatched %.1f ms,"
                            + " -> accepted %.1f ms, -> started %.1f ms, -> ended %.1f ms; created -> ended %.1f ms%n",
                    row.getLong(6), row.getDouble(1), row.getDouble(2), row.getDouble(3), row.getDouble(4),
                    row.getDouble(5));
        }
    }
}
