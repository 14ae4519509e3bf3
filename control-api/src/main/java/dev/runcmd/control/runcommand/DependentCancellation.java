package dev.runcmd.control.runcommand;

import dev.runcmd.state.Dependents;
import dev.runcmd.state.Placeholders;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.UUID;

/**
 * Ends, in the caller's transaction, every execution that waits for one that is being canceled, deleted or
 * replaced, and transitively those that wait for them, as {@link Dependents#CANCEL_AHEAD_OF_STOP} says; the
 * statement runs as a native query of the Hibernate session, so it shares the caller's transaction and locks.
 */
@ApplicationScoped
class DependentCancellation {

    private static final String SQL = Placeholders.toOrdinal(Dependents.CANCEL_AHEAD_OF_STOP);

    /**
     * Cancels the executions waiting for any of {@code executionIds} (executions of the run command
     * {@code name}), transitively.
     *
     * @return how many executions were canceled
     */
    Uni<Long> cancelDependents(Collection<UUID> executionIds, String name) {
        if (executionIds.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        String ids = "{" + String.join(",", executionIds.stream().map(UUID::toString).toList()) + "}";
        return Panache.getSession().flatMap(session -> session.createNativeQuery(SQL, Long.class)
                .setParameter(1, ids)
                .setParameter(2, name)
                .getSingleResult());
    }
}
