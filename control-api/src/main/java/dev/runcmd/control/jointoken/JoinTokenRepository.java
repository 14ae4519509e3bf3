package dev.runcmd.control.jointoken;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Reads and writes join tokens. Every method must run inside a {@code Transactions} unit. */
@ApplicationScoped
public class JoinTokenRepository implements PanacheRepositoryBase<JoinTokenEntity, String> {

    /** The tokens of a resource group, oldest first, expired and spent ones included. */
    public Uni<List<JoinTokenEntity>> listByScope(JoinTokenScope scope) {
        return find("subscriptionId = ?1 and resourceGroup = ?2", Sort.by("createdAt").and("id"),
                scope.subscriptionId(), scope.resourceGroup()).list();
    }

    /** Deletes the group's token with this id; true when there was one. */
    public Uni<Boolean> deleteInScope(JoinTokenScope scope, String id) {
        return delete("id = ?1 and subscriptionId = ?2 and resourceGroup = ?3", id, scope.subscriptionId(),
                scope.resourceGroup()).map(count -> count > 0);
    }
}
