package dev.runcmd.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Direct access to the test database, standing in for control-api: inserts machines, run
 * commands and executions, and reads rows back.
 */
final class TestDb {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Pool pool;

    TestDb(Pool pool) {
        this.pool = pool;
    }

    /** Inserts a Disconnected machine (as if its agent registered once before) and returns its id. */
    long insertMachine(String subscription, String name) {
        return one("""
                insert into machine (subscription_id, resource_group, name, status, last_status_change)
                values ($1, 'rg-test', $2, 'Disconnected', now()) returning id""",
                Tuple.of(subscription, name)).getLong("id");
    }

    /** Inserts a run command (Creating) and its current execution (Pending); returns the execution id. */
    UUID insertExecution(long machineId, String name, String script, JsonArray parameters, JsonArray secrets) {
        UUID runCommand = UUID.randomUUID();
        UUID execution = UUID.randomUUID();
        one("""
                insert into run_command (id, machine_id, name, location, script, parameters,
                                         protected_parameters, provisioning_state, current_execution_id, timeout_seconds)
                values ($1, $2, $3, 'local', $4, $5, $6, 'Creating', $7, 30) returning id""",
                Tuple.from(new Object[] {runCommand, machineId, name, script, parameters, secrets, execution}));
        one("""
                insert into execution (id, run_command_id, machine_id, run_command_name, state, script,
                                       parameters, protected_parameters, timeout_seconds)
                values ($1, $2, $3, $4, 'Pending', $5, $6, $7, 30) returning id""",
                Tuple.from(new Object[] {execution, runCommand, machineId, name, script, parameters, secrets}));
        return execution;
    }

    UUID insertExecution(long machineId, String name) {
        return insertExecution(machineId, name, "echo " + name, new JsonArray(), new JsonArray());
    }

    /**
     * Locks the execution row in an open transaction, as a slow or busy store would hold it;
     * returns the connection whose {@link SqlConnection#close()} releases the lock.
     */
    SqlConnection lockExecution(UUID id) {
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        connection.begin().await().atMost(WAIT);
        connection.preparedQuery("select id from execution where id = $1 for update").execute(Tuple.of(id))
                .await().atMost(WAIT);
        return connection;
    }

    /** The first row of a query; fails if there is none. */
    Row one(String sql, Tuple values) {
        RowIterator<Row> rows = pool.preparedQuery(sql).execute(values).await().atMost(WAIT).iterator();
        if (!rows.hasNext()) {
            throw new AssertionError("no row for: " + sql);
        }
        return rows.next();
    }

    /** Every row of a query, in the query's order. */
    List<Row> all(String sql, Tuple values) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(sql).execute(values).await().atMost(WAIT).forEach(rows::add);
        return rows;
    }

    /** Runs a statement; returns the rows it changed. */
    int execute(String sql, Tuple values) {
        return pool.preparedQuery(sql).execute(values).await().atMost(WAIT).rowCount();
    }

    /** The number of rows a count query reports. */
    long count(String sql, Tuple values) {
        return one(sql, values).getLong(0);
    }

    Row machine(long id) {
        return one("select * from machine where id = $1", Tuple.of(id));
    }

    Row execution(UUID id) {
        return one("select * from execution where id = $1", Tuple.of(id));
    }

    Row runCommandOf(UUID executionId) {
        return one("select * from run_command where current_execution_id = $1", Tuple.of(executionId));
    }

    static JsonArray parameters(String... namesAndValues) {
        JsonArray array = new JsonArray();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            array.add(new JsonObject().put("name", namesAndValues[i]).put("value", namesAndValues[i + 1]));
        }
        return array;
    }
}
