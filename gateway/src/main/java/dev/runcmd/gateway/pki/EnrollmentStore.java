package dev.runcmd.gateway.pki;

import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.MachineIdentity;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Enrollment in the store: spends one use of a join token and creates (or re-enrolls) its machine, in one
 * transaction; and the checks a session's certificate must pass against the machine's current enrollment.
 */
@Singleton
public class EnrollmentStore {

    private static final String LOCK_TOKEN = """
            select secret_hash, subscription_id, resource_group, machine_name, expires_at,
                   expires_at <= now() as expired, uses_left
            from join_token where id = $1 for update""";
    private static final String SPEND_TOKEN = "update join_token set uses_left = uses_left - 1 where id = $1";
    private static final String LOCK_MACHINE = """
            select id, revoked_at is not null as revoked from machine
            where subscription_id = $1 and resource_group = $2 and name = $3 for update""";
    private static final String DELETE_MACHINE = "delete from machine where id = $1";
    private static final String RE_ENROLL = """
            update machine set enrollment_id = $2, enrolled_at = now() where id = $1""";
    private static final String INSERT_MACHINE = """
            insert into machine (subscription_id, resource_group, name, status, last_status_change,
                                 enrollment_id, enrolled_at)
            values ($1, $2, $3, 'Disconnected', now(), $4, now())""";
    private static final String ENROLLMENTS = """
            select id, enrollment_id from machine where id = any($1) and revoked_at is null""";

    private final Pool pool;

    EnrollmentStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Checks the token and the machine, spends one use, creates or re-enrolls the machine with a new enrollment id,
     * and runs {@code issue} with the new identity inside the transaction (so a failure to issue spends nothing).
     * Fails with UNAUTHENTICATED (unknown, spent or expired token) or PERMISSION_DENIED (outside its scope).
     */
    public <T> Uni<T> enroll(JoinToken token, String subscriptionId, String resourceGroup, String machineName,
                             Function<MachineIdentity, T> issue) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_TOKEN)
                .execute(Tuple.of(token.id()))
                .map(rows -> checkToken(rows.iterator(), token, subscriptionId, resourceGroup, machineName))
                .chain(namesMachine -> connection.preparedQuery(LOCK_MACHINE)
                        .execute(Tuple.of(subscriptionId, resourceGroup, machineName))
                        .chain(rows -> {
                            UUID enrollment = UUID.randomUUID();
                            return place(connection, rows.iterator(), namesMachine, subscriptionId, resourceGroup,
                                    machineName, enrollment).replaceWith(enrollment);
                        }))
                .call(() -> connection.preparedQuery(SPEND_TOKEN).execute(Tuple.of(token.id())))
                .map(enrollment -> issue.apply(
                        new MachineIdentity(subscriptionId, resourceGroup, machineName, enrollment))));
    }

    /** Refuses a token that may not enroll this machine; returns whether it names the machine. */
    private static boolean checkToken(RowIterator<Row> rows, JoinToken token, String subscriptionId,
                                   String resourceGroup, String machineName) {
        if (!rows.hasNext()) {
            throw refused(Status.UNAUTHENTICATED, "join token " + token.id() + " is unknown (never created, or deleted)");
        }
        Row row = rows.next();
        if (!token.matches(row.getBuffer("secret_hash").getBytes())) {
            throw refused(Status.UNAUTHENTICATED, "join token " + token.id() + " is unknown (never created, or deleted)");
        }
        if (row.getBoolean("expired")) {
            throw refused(Status.UNAUTHENTICATED, "join token " + token.id() + " expired at "
                    + row.getOffsetDateTime("expires_at").withOffsetSameInstant(ZoneOffset.UTC));
        }
        if (row.getInteger("uses_left") <= 0) {
            throw refused(Status.UNAUTHENTICATED, "join token " + token.id() + " is spent: all its uses were taken");
        }
        if (!row.getString("subscription_id").equals(subscriptionId)
                || !row.getString("resource_group").equals(resourceGroup)) {
            throw refused(Status.PERMISSION_DENIED, "join token " + token.id() + " enrolls machines into "
                    + row.getString("subscription_id") + "/" + row.getString("resource_group") + " only, not "
                    + subscriptionId + "/" + resourceGroup);
        }
        String only = row.getString("machine_name");
        if (only != null && !only.equals(machineName)) {
            throw refused(Status.PERMISSION_DENIED, "join token " + token.id() + " enrolls machine " + only
                    + " only, not " + machineName);
        }
        return only != null;
    }

    private static Uni<Void> place(SqlConnection connection, RowIterator<Row> machine, boolean namesMachine,
                                   String subscriptionId, String resourceGroup, String machineName, UUID enrollment) {
        Uni<Void> insert = connection.preparedQuery(INSERT_MACHINE)
                .execute(Tuple.of(subscriptionId, resourceGroup, machineName, enrollment)).replaceWithVoid();
        if (!machine.hasNext()) {
            return insert;
        }
        Row row = machine.next();
        long id = row.getLong("id");
        if (row.getBoolean("revoked")) {
            // A deleted machine enrolls afresh: its old run commands and executions go with the old row.
            return connection.preparedQuery(DELETE_MACHINE).execute(Tuple.of(id)).chain(() -> insert);
        }
        if (!namesMachine) {
            return Uni.createFrom().failure(refused(Status.PERMISSION_DENIED, "machine " + subscriptionId + "/"
                    + resourceGroup + "/" + machineName + " is already enrolled; create a join token naming it"
                    + " (--machine-name) to enroll it again"));
        }
        return connection.preparedQuery(RE_ENROLL).execute(Tuple.of(id, enrollment)).replaceWithVoid();
    }

    /**
     * The current enrollment of each of these machines that is not revoked; a machine missing from the answer was
     * deleted (or never enrolled).
     */
    public Uni<Map<Long, UUID>> enrollments(Collection<Long> machineIds) {
        return pool.preparedQuery(ENROLLMENTS)
                .execute(Tuple.tuple().addArrayOfLong(machineIds.toArray(Long[]::new)))
                .map(rows -> {
                    Map<Long, UUID> current = new HashMap<>();
                    for (Row row : rows) {
                        UUID enrollment = row.getUUID("enrollment_id");
                        if (enrollment != null) {
                            current.put(row.getLong("id"), enrollment);
                        }
                    }
                    return current;
                });
    }

    private static RuntimeException refused(Status status, String description) {
        return status.withDescription(description).asRuntimeException();
    }
}
