package dev.runcmd.control.auth;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Reads and writes runcmd tokens and role assignments, straight through the reactive pool (the checks run before a
 * request's own unit of work, so they never nest in one).
 */
@ApplicationScoped
public class AccessStore {

    private static final String TOKEN_COLUMNS = "id, secret_hash, principal_id, display_name, principal_type, "
            + "created_at, created_by, role_definition_id, scope, expires_at, revoked_at";
    private static final String ASSIGNMENT_COLUMNS =
            "id, scope, role_definition_id, principal_id, principal_type, created_at, created_by";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Sql sql;

    AccessStore(Sql sql) {
        this.sql = sql;
    }

    /** The token with this id, if any (revoked and expired ones included). */
    public Uni<Optional<StoredToken>> token(String id) {
        return sql.query("select " + TOKEN_COLUMNS + " from api_token where id = $1", Tuple.of(id))
                .map(rows -> first(rows).map(AccessStore::token));
    }

    /** Every token, newest first. */
    public Uni<List<StoredToken>> tokens() {
        return sql.query("select " + TOKEN_COLUMNS + " from api_token order by created_at desc, id", Tuple.tuple())
                .map(rows -> all(rows).stream().map(AccessStore::token).toList());
    }

    /**
     * Stores a new token and the role assignment it comes with, in one transaction; {@code assignment} names the
     * token's principal.
     */
    public Uni<Void> createToken(StoredToken token, RoleAssignment assignment) {
        return sql.transaction(connection -> insertToken(connection, token)
                .chain(() -> insertAssignment(connection, assignment))).replaceWithVoid();
    }

    /**
     * Makes sure a token exists with this id and secret, holding {@code assignment}: the bootstrap owner. An
     * existing token with the id keeps its row (a revoked one stays revoked), and its assignment is put back.
     */
    public Uni<Void> ensureToken(StoredToken token, RoleAssignment assignment) {
        return sql.transaction(connection -> connection.preparedQuery("insert into api_token (" + TOKEN_COLUMNS
                        + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (id) do update set "
                        + "secret_hash = excluded.secret_hash, display_name = excluded.display_name")
                .execute(tokenTuple(token))
                .chain(() -> connection.preparedQuery("insert into role_assignment (" + ASSIGNMENT_COLUMNS
                        + ", scope_lower) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing")
                        .execute(assignmentTuple(assignment)))).replaceWithVoid();
    }

    /** Marks a token revoked and removes the role assignments of its principal; false if no such live token. */
    public Uni<Boolean> revokeToken(String id) {
        return sql.transaction(connection -> connection.preparedQuery("update api_token set revoked_at = now() "
                        + "where id = $1 and revoked_at is null returning principal_id").execute(Tuple.of(id))
                .chain(rows -> {
                    Optional<Row> row = first(rows);
                    if (row.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    return connection.preparedQuery("delete from role_assignment where principal_id = $1")
                            .execute(Tuple.of(row.get().getString(0))).replaceWith(true);
                }));
    }

    /** The role assignments naming any of these principals. */
    public Uni<List<RoleAssignment>> assignmentsOf(Collection<String> principalIds) {
        return sql.query("select " + ASSIGNMENT_COLUMNS + " from role_assignment where principal_id = any($1)",
                        Tuple.of(principalIds.toArray(String[]::new)))
                .map(rows -> all(rows).stream().map(AccessStore::assignment).toList());
    }

    /** The assignment with this id, if any. */
    public Uni<Optional<RoleAssignment>> assignment(String id) {
        return sql.query("select " + ASSIGNMENT_COLUMNS + " from role_assignment where id = $1",
                        Tuple.of(id.toLowerCase(Locale.ROOT)))
                .map(rows -> first(rows).map(AccessStore::assignment));
    }

    /**
     * The assignments that matter at {@code scope}: at it, above it (its ancestors) and below it, in Azure's list
     * order (oldest first).
     */
    public Uni<List<RoleAssignment>> assignmentsAround(String scope) {
        String lower = scope.toLowerCase(Locale.ROOT);
        List<String> ancestors = new ArrayList<>();
        ancestors.add(Scopes.ROOT);
        String[] parts = lower.split("/");
        StringBuilder prefix = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            prefix.append('/').append(parts[i]);
            ancestors.add(prefix.toString());
        }
        String below = lower.equals(Scopes.ROOT) ? "/%" : lower + "/%";
        return sql.query("select " + ASSIGNMENT_COLUMNS + " from role_assignment where scope_lower = any($1) "
                        + "or scope_lower like $2 order by created_at, id",
                        Tuple.of(ancestors.toArray(String[]::new), below))
                .map(rows -> all(rows).stream().map(AccessStore::assignment).toList());
    }

    /**
     * Stores an assignment. 409 RoleAssignmentExists when the principal already holds the role at the scope under
     * another id.
     */
    public Uni<Void> createAssignment(RoleAssignment assignment) {
        return sql.transaction(connection -> insertAssignment(connection, assignment))
                .onFailure(AccessStore::isUniqueViolation).transform(duplicate -> new ArmException(409,
                        "RoleAssignmentExists", "The role assignment already exists."))
                .replaceWithVoid();
    }

    /** Deletes an assignment; false when there was none. */
    public Uni<Boolean> deleteAssignment(String id) {
        return sql.query("delete from role_assignment where id = $1", Tuple.of(id.toLowerCase(Locale.ROOT)))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Uni<RowSet<Row>> insertToken(SqlConnection connection, StoredToken token) {
        return connection.preparedQuery("insert into api_token (" + TOKEN_COLUMNS
                + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)").execute(tokenTuple(token));
    }

    private static Uni<RowSet<Row>> insertAssignment(SqlConnection connection, RoleAssignment assignment) {
        return connection.preparedQuery("insert into role_assignment (" + ASSIGNMENT_COLUMNS
                + ", scope_lower) values ($1, $2, $3, $4, $5, $6, $7, $8)").execute(assignmentTuple(assignment));
    }

    private static Tuple tokenTuple(StoredToken token) {
        return Tuple.tuple(List.of(token.id(), io.vertx.core.buffer.Buffer.buffer(token.secretHash()),
                token.principalId(), token.displayName(), token.principalType().name(), token.createdAt(),
                token.createdBy(), token.roleDefinitionId(), token.scope()))
                .addValue(token.expiresAt()).addValue(token.revokedAt());
    }

    private static Tuple assignmentTuple(RoleAssignment assignment) {
        return Tuple.tuple(List.of(assignment.id(), assignment.scope(), assignment.roleDefinitionId(),
                assignment.principalId(), assignment.principalType(), assignment.createdAt(), assignment.createdBy(),
                assignment.scope().toLowerCase(Locale.ROOT)));
    }

    private static StoredToken token(Row row) {
        return new StoredToken(row.getString("id"), row.getBuffer("secret_hash").getBytes(),
                row.getString("principal_id"), row.getString("display_name"),
                Caller.PrincipalType.valueOf(row.getString("principal_type")), row.getOffsetDateTime("created_at"),
                row.getString("created_by"), row.getString("role_definition_id"), row.getString("scope"),
                row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("revoked_at"));
    }

    private static RoleAssignment assignment(Row row) {
        return new RoleAssignment(row.getString("id"), row.getString("scope"), row.getString("role_definition_id"),
                row.getString("principal_id"), row.getString("principal_type"), row.getOffsetDateTime("created_at"),
                row.getString("created_by"));
    }

    private static boolean isUniqueViolation(Throwable failure) {
        return failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }

    private static List<Row> all(RowSet<Row> rows) {
        return StreamSupport.stream(rows.spliterator(), false).toList();
    }

    /** The current time, at the database's precision. */
    static OffsetDateTime now() {
        return OffsetDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
