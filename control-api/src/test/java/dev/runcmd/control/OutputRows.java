package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.runCommand;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Writes what a gateway writes while an agent runs a script: output chunks stored by (stream, offset) together
 * with the execution's byte count, and the terminal state. The V2 triggers send the notifications for real.
 */
final class OutputRows {

    static final int STDOUT = 1;
    static final int STDERR = 2;

    private static final String CHUNK = "insert into output_chunk (execution_id, stream, \"offset\", data) "
            + "values (?::uuid, ?, ?, ?) on conflict do nothing";
    private static final String BYTES = "update execution set "
            + "stdout_bytes = case when ? = 1 then greatest(stdout_bytes, ?) else stdout_bytes end, "
            + "stderr_bytes = case when ? = 2 then greatest(stderr_bytes, ?) else stderr_bytes end "
            + "where id = ?::uuid";

    private OutputRows() {
    }

    /** Registers a machine, PUTs a run command on it and returns the id of its new (Pending) execution. */
    static String newExecution(String rg, String machine, String name) {
        long machineId = Db.insertMachine(Arm.SUB, rg, machine);
        put(runCommand(rg, machine, name), Arm.scriptBody("echo")).statusCode(201);
        return Db.queryString("select current_execution_id::text from run_command where machine_id = ? "
                + "and name = ?", machineId, name);
    }

    /** Stores one chunk as the gateway does (one transaction, one notification). */
    static void store(String executionId, int stream, long offset, byte[] data) {
        storeAll(executionId, stream, offset, data, data.length);
    }

    /**
     * Stores {@code data} from {@code offset} as consecutive chunks of at most {@code chunkSize} bytes, in one
     * transaction.
     */
    static void storeAll(String executionId, int stream, long offset, byte[] data, int chunkSize) {
        try (Connection c = connect(); PreparedStatement chunk = c.prepareStatement(CHUNK);
                PreparedStatement bytes = c.prepareStatement(BYTES)) {
            c.setAutoCommit(false);
            for (int at = 0; at < data.length; at += chunkSize) {
                byte[] part = java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + chunkSize));
                insert(chunk, bytes, executionId, stream, offset + at, part);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("storing output failed", e);
        }
    }

    /**
     * A gateway's writer on one connection: each {@link #store} is its own transaction (one notification), as
     * when a gateway stores an agent's chunks one statement at a time. Not thread-safe; one per writing thread.
     */
    static final class Writer implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement chunk;
        private final PreparedStatement bytes;

        Writer() {
            try {
                connection = connect();
                chunk = connection.prepareStatement(CHUNK);
                bytes = connection.prepareStatement(BYTES);
                connection.setAutoCommit(false);
            } catch (SQLException e) {
                throw new IllegalStateException("connecting failed", e);
            }
        }

        /** Stores one chunk and the execution's byte count, and commits. */
        void store(String executionId, int stream, long offset, byte[] data) {
            try {
                insert(chunk, bytes, executionId, stream, offset, data);
                connection.commit();
            } catch (SQLException e) {
                throw new IllegalStateException("storing output failed", e);
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** Inserts one chunk ({@link #CHUNK}) and raises the execution's byte count to its end ({@link #BYTES}). */
    private static void insert(PreparedStatement chunk, PreparedStatement bytes, String executionId, int stream,
            long offset, byte[] data) throws SQLException {
        chunk.setString(1, executionId);
        chunk.setShort(2, (short) stream);
        chunk.setLong(3, offset);
        chunk.setBytes(4, data);
        chunk.executeUpdate();
        bytes.setInt(1, stream);
        bytes.setLong(2, offset + data.length);
        bytes.setInt(3, stream);
        bytes.setLong(4, offset + data.length);
        bytes.setString(5, executionId);
        bytes.executeUpdate();
    }

    /** Moves the execution to Running, as the agent's Started does. */
    static void running(String executionId) {
        Db.execute("update execution set state = 'Running', start_time = now() where id = ?::uuid", executionId);
    }

    /** Ends the execution, as the agent's Exited does. */
    static void end(String executionId, String state, int exitCode, String message) {
        Db.execute("update execution set state = ?, exit_code = ?, message = ?, end_time = now() "
                + "where id = ?::uuid", state, exitCode, message, executionId);
    }

    private static Connection connect() throws SQLException {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return DriverManager.getConnection(url, "postgres", "postgres");
    }
}
