package dev.runcmd.control.machine;

import dev.runcmd.control.arm.ArmException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Reads machines, and revokes one when it is deleted. Every method must run inside a {@code Transactions} unit
 * (read, snapshot or write). A revoked machine ({@code revoked_at} set) is invisible to every read by scope: for the
 * API it no longer exists, as if it never enrolled.
 */
@ApplicationScoped
public class MachineRepository implements PanacheRepositoryBase<MachineEntity, Long> {

    private static final String LOCK = """
            select id from machine
             where subscription_id = ?1 and resource_group = ?2 and name = ?3 and revoked_at is null
               for update
            """;

    /*
     * KEY SHARE conflicts only with the deletion's FOR UPDATE (not with a gateway's status updates): a write waits
     * for a deletion under way and then no longer finds the machine, and a deletion waits for the write and then
     * ends the execution it created.
     */
    private static final String LOCK_PARENT = """
            select id from machine
             where subscription_id = ?1 and resource_group = ?2 and name = ?3 and revoked_at is null
               for key share
            """;

    private static final String PAGE = """
            select id from machine
             where subscription_id = ?1 and resource_group = ?2 and revoked_at is null and name > ?3
               and (?4 = '' or jsonb_exists(agent_tags || tags, ?4))
               and (?5 = '' or (agent_tags || tags) ->> ?4 = ?5)
             order by name
             limit ?6
            """;

    private static final String REPLACE_TAGS = """
            update machine set tags = cast(cast(?4 as text) as jsonb)
             where subscription_id = ?1 and resource_group = ?2 and name = ?3 and revoked_at is null
            """;

    private static final String REVOKE = """
            update machine
               set revoked_at = now(), enrollment_id = null, status = 'Disconnected', last_status_change = now()
             where id = ?1
            """;

    /** The machine at this scope, or null when it never enrolled or was deleted. */
    public Uni<MachineEntity> findByScope(MachineScope scope) {
        return find("subscriptionId = ?1 and resourceGroup = ?2 and name = ?3 and revokedAt is null",
                scope.subscriptionId(), scope.resourceGroup(), scope.machineName()).firstResult();
    }

    /** The machine at this scope; fails with 404 ResourceNotFound when it never enrolled or was deleted. */
    public Uni<MachineEntity> require(MachineScope scope) {
        return findByScope(scope).onItem().ifNull().failWith(() -> notFound(scope));
    }

    /** The machine at this scope; fails with 404 ParentResourceNotFound when it never enrolled or was deleted. */
    public Uni<MachineEntity> requireParent(MachineScope scope) {
        return findByScope(scope).onItem().ifNull()
                .failWith(() -> ArmException.parentNotFound(scope.machineName(), scope.resourceGroup()));
    }

    /**
     * The id of the machine at this scope, locked against its deletion until the transaction ends, for a write that
     * adds to it (a run command, an execution); fails with 404 ParentResourceNotFound when it never enrolled or was
     * deleted.
     */
    public Uni<Long> lockParent(MachineScope scope) {
        return selectId(LOCK_PARENT, scope).onItem().ifNull()
                .failWith(() -> ArmException.parentNotFound(scope.machineName(), scope.resourceGroup()));
    }

    /**
     * Up to {@code limit} machines of a resource group by name after {@code after} (null: from the first), without
     * deleted ones; with {@code tagName}, only those with that tag (API-set or agent-reported), with
     * {@code tagValue} only with that value.
     */
    public Uni<List<MachineEntity>> listPage(String subscriptionId, String resourceGroup, String after, int limit,
            String tagName, String tagValue) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(PAGE, Long.class)
                        .setParameter(1, subscriptionId)
                        .setParameter(2, resourceGroup)
                        .setParameter(3, after == null ? "" : after)
                        .setParameter(4, tagName == null ? "" : tagName)
                        .setParameter(5, tagValue == null ? "" : tagValue)
                        .setParameter(6, limit)
                        .getResultList())
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<MachineEntity>of())
                        : list("id in ?1", Sort.by("name"), ids));
    }

    /**
     * Replaces the API-set tags of the machine at this scope; false when it does not exist. The tags are JSON text
     * of a map already checked.
     */
    public Uni<Boolean> replaceTags(MachineScope scope, String tagsJson) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(REPLACE_TAGS)
                        .setParameter(1, scope.subscriptionId())
                        .setParameter(2, scope.resourceGroup())
                        .setParameter(3, scope.machineName())
                        .setParameter(4, tagsJson)
                        .executeUpdate())
                .map(count -> count > 0);
    }

    /** The machines of a resource group, by name, without deleted ones. */
    public Uni<List<MachineEntity>> listByGroup(String subscriptionId, String resourceGroup) {
        return find("subscriptionId = ?1 and resourceGroup = ?2 and revokedAt is null", Sort.by("name"),
                subscriptionId, resourceGroup).list();
    }

    /**
     * The id of the machine at this scope, its row locked until the transaction ends; null when it never enrolled
     * or was deleted already.
     */
    public Uni<Long> lockByScope(MachineScope scope) {
        return selectId(LOCK, scope);
    }

    /**
     * Revokes a machine locked by {@link #lockByScope}: it no longer exists for the API, its enrollment (the identity
     * its certificates carry) is void, and it shows Disconnected; the gateways close its session.
     */
    public Uni<Void> revoke(long machineId) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(REVOKE)
                .setParameter(1, machineId)
                .executeUpdate())
                .replaceWithVoid();
    }

    private static Uni<Long> selectId(String statement, MachineScope scope) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(statement, Long.class)
                .setParameter(1, scope.subscriptionId())
                .setParameter(2, scope.resourceGroup())
                .setParameter(3, scope.machineName())
                .getResultList())
                .map(ids -> ids.isEmpty() ? null : ids.get(0));
    }

    /** 404 ResourceNotFound for a machine that does not exist. */
    public static ArmException notFound(MachineScope scope) {
        return ArmException.resourceNotFound("The Resource '" + MachineScope.TYPE + "/" + scope.machineName()
                + "' under resource group '" + scope.resourceGroup() + "' was not found.");
    }
}
