package dev.runcmd.control.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Opens the Hibernate Reactive units of work of the control API: every read and write of the resource model goes
 * through one of these, so that each request holds at most one pool connection at a time. While the unit runs,
 * the work must use only the unit's session (repositories, {@code Panache.getSession()} native queries); a query
 * through {@link Sql} would need a second connection and is refused by {@link ConnectionGuard}.
 *
 * <p>Units nest: a unit opened inside another joins its session (Panache reuses the context's session), so it
 * takes no connection of its own.
 */
@ApplicationScoped
public class Transactions {

    /** Must be the transaction's first statement; PostgreSQL takes the snapshot at the next query. */
    private static final String SNAPSHOT = "set transaction isolation level repeatable read, read only";

    /** Runs {@code work} in one read-write transaction, committed when its Uni completes. */
    public <T> Uni<T> write(Supplier<Uni<T>> work) {
        return held("a write transaction", () -> Panache.withTransaction(work));
    }

    /**
     * Runs {@code read} in a read-only REPEATABLE READ transaction: every statement in it sees one snapshot of
     * the database, so rows that a gateway changes together are never seen half changed.
     */
    public <T> Uni<T> snapshot(Supplier<Uni<T>> read) {
        return held("a snapshot read", () -> Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery(SNAPSHOT).executeUpdate())
                .chain(() -> read.get())));
    }

    /** Runs {@code read} in a session without an explicit transaction (each statement on its own). */
    public <T> Uni<T> read(Supplier<Uni<T>> read) {
        return held("a session", () -> Panache.withSession(read));
    }

    private static <T> Uni<T> held(String holder, Supplier<Uni<T>> unit) {
        return Uni.createFrom().deferred(() -> {
            if (!ConnectionGuard.hold(holder)) {
                return unit.get();
            }
            return unit.get().eventually(ConnectionGuard::release);
        });
    }
}
