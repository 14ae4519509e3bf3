package dev.runcmd.control.runcommand;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads and locks run commands. Every method must run inside a reactive Hibernate session. */
@ApplicationScoped
public class RunCommandRepository implements PanacheRepositoryBase<RunCommandEntity, UUID> {

    /** The run command of a machine by name, or null. */
    public Uni<RunCommandEntity> findByName(long machineId, String name) {
        return find("machineId = ?1 and name = ?2", machineId, name).firstResult();
    }

    /**
     * The run command of a machine by name, row-locked until the transaction ends, or null. Concurrent PUTs and
     * DELETEs of one run command therefore run one after the other.
     */
    public Uni<RunCommandEntity> lockByName(long machineId, String name) {
        return find("machineId = ?1 and name = ?2", machineId, name)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** The run commands of a machine, by name. */
    public Uni<List<RunCommandEntity>> listByMachine(long machineId) {
        return find("machineId = ?1", Sort.by("name"), machineId).list();
    }

    /** At most {@code limit} run commands of a machine whose names sort after {@code after} (if given), by name. */
    public Uni<List<RunCommandEntity>> listByMachine(long machineId, Optional<String> after, int limit) {
        return (after.isPresent()
                ? find("machineId = ?1 and name > ?2", Sort.by("name"), machineId, after.get())
                : find("machineId = ?1", Sort.by("name"), machineId))
                .range(0, limit - 1).list();
    }
}
