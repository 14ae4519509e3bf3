package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.ExecutionOwnership;
import dev.runcmd.gateway.store.ExecutionStore;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides whether an agent may report on an execution: its id must be a UUID, and the execution
 * must belong to the session's machine (or no longer exist: deleted executions are acknowledged
 * and dropped, so their agent can forget them). Anything else is PERMISSION_DENIED "execution
 * &lt;id&gt; does not belong to machine &lt;sub/rg/name&gt;".
 *
 * <p>What a session learnt is kept in its {@link ExecutionOwnership} (bounded), so only the first
 * report on an execution costs a query.
 */
@Singleton
final class OwnershipCheck {

    private final ExecutionStore executions;

    OwnershipCheck(ExecutionStore executions) {
        this.executions = executions;
    }

    /** The execution's id once the session may report on it; fails PERMISSION_DENIED otherwise. */
    Uni<UUID> verify(AgentSession session, String executionId) {
        return verify(session, List.of(executionId)).map(ids -> ids.get(0));
    }

    /**
     * The executions' ids, in the given order, once the session may report on every one of them;
     * fails PERMISSION_DENIED (naming the first offending id) otherwise.
     */
    Uni<List<UUID>> verify(AgentSession session, List<String> executionIds) {
        List<UUID> ids = new ArrayList<>(executionIds.size());
        for (String text : executionIds) {
            Optional<UUID> id = ExecutionIds.parse(text);
            if (id.isEmpty()) {
                return Uni.createFrom().failure(denied(session, text).asRuntimeException());
            }
            ids.add(id.get());
        }
        ExecutionOwnership ownership = session.ownership();
        List<UUID> unknown = ownership.unknown(ids);
        Uni<Void> learnt = unknown.isEmpty() ? Uni.createFrom().voidItem()
                : executions.facts(unknown).invoke(facts -> unknown.forEach(
                        id -> ownership.learn(id, Optional.ofNullable(facts.get(id))))).replaceWithVoid();
        return learnt.map(done -> {
            for (UUID id : ids) {
                if (!ownership.owns(id)) {
                    throw denied(session, id.toString()).asRuntimeException();
                }
            }
            return ids;
        });
    }

    private static Status denied(AgentSession session, String executionId) {
        String shown = executionId.length() <= 80 ? executionId : executionId.substring(0, 80) + "...";
        return Status.PERMISSION_DENIED.withDescription(
                "execution " + shown + " does not belong to machine " + session.machine());
    }
}
