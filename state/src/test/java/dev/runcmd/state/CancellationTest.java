package dev.runcmd.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Cancellation#PENDING_WITH_DEPENDENTS} on a real PostgreSQL with control-api's schema. The statement is
 * prepared server-side ({@code PREPARE ... AS}), which takes its {@code $n} parameters as they are written.
 */
class CancellationTest {

    private static final String MESSAGE = "Canceled: the job was canceled";

    private static EmbeddedPostgres postgres;
    private static Connection connection;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.start();
        connection = postgres.getPostgresDatabase().getConnection();
        ControlApiSchema.apply(connection);
        execute("prepare cancel_pending(uuid[], text) as " + Cancellation.PENDING_WITH_DEPENDENTS);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        connection.close();
        postgres.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        execute("delete from machine");
        execute("insert into machine (id, subscription_id, resource_group, name, status, last_status_change)"
                + " values (1, 'sub', 'rg', 'm1', 'Disconnected', now())");
    }

    @Test
    void cancelsThePendingOnesTheirRunCommandsAndTheirDependentsTransitively() throws SQLException {
        UUID first = execution("first", "Pending");
        UUID second = execution("second", "Pending", first);
        UUID third = execution("third", "Pending", second);

        assertEquals(List.of(1L, 2L), cancel(first));

        assertEquals("Canceled|" + MESSAGE, stateAndMessage(first));
        assertEquals("Canceled|Canceled: dependency 'first' ended Canceled", stateAndMessage(second));
        assertEquals("Canceled|Canceled: dependency 'second' ended Canceled", stateAndMessage(third));
        assertEquals(List.of("Canceled", "Canceled", "Canceled"),
                List.of(provisioning("first"), provisioning("second"), provisioning("third")));
    }

    @Test
    void anIdAlsoWaitingForAnotherGetsTheGivenMessage() throws SQLException {
        UUID first = execution("first", "Pending");
        UUID second = execution("second", "Pending", first);

        assertEquals(List.of(2L, 0L), cancel(first, second));

        assertEquals("Canceled|" + MESSAGE, stateAndMessage(second));
    }

    @Test
    void anExecutionNoLongerPendingAndItsDependentsAreLeftAlone() throws SQLException {
        UUID running = execution("running", "Running");
        UUID waiting = execution("waiting", "Pending", running);

        assertEquals(List.of(0L, 0L), cancel(running));

        assertEquals("Running|", stateAndMessage(running));
        assertEquals("Pending|", stateAndMessage(waiting));
        assertEquals("Creating", provisioning("running"));
    }

    /** A run command named {@code name} whose current execution, in {@code state}, waits for {@code waitingFor}. */
    private static UUID execution(String name, String state, UUID... waitingFor) throws SQLException {
        UUID command = UUID.randomUUID();
        UUID execution = UUID.randomUUID();
        execute("insert into run_command (id, machine_id, name, location, provisioning_state, current_execution_id)"
                + " values ('" + command + "', 1, '" + name + "', 'westeurope', 'Creating', '" + execution + "')");
        execute("insert into execution (id, run_command_id, machine_id, run_command_name, state, script, waiting_for)"
                + " values ('" + execution + "', '" + command + "', 1, '" + name + "', '" + state + "', 'true', "
                + uuids(waitingFor) + ")");
        return execution;
    }

    /** Runs the statement; returns its two counts, canceled and dependents. */
    private static List<Long> cancel(UUID... ids) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "execute cancel_pending(" + uuids(ids) + ", '" + MESSAGE + "')")) {
            row.next();
            return List.of(row.getLong("canceled"), row.getLong("dependents"));
        }
    }

    private static String stateAndMessage(UUID execution) throws SQLException {
        return single("select state || '|' || message from execution where id = '" + execution + "'");
    }

    private static String provisioning(String name) throws SQLException {
        return single("select provisioning_state from run_command where name = '" + name + "'");
    }

    private static String uuids(UUID... ids) {
        StringBuilder array = new StringBuilder("array[");
        for (int i = 0; i < ids.length; i++) {
            array.append(i == 0 ? "" : ", ").append('\'').append(ids[i]).append('\'');
        }
        return array.append("]::uuid[]").toString();
    }

    private static String single(String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
