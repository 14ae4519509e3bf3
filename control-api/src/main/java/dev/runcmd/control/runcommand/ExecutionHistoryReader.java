package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.machine.MachineRepository;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.store.Transactions;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Reads the executions of a run command, newest first (by creation time, then id), one keyset page at a time. The
 * page token holds the creation time in microseconds (PostgreSQL's precision) and the id of the last execution.
 */
@ApplicationScoped
public class ExecutionHistoryReader {

    /** The kind prefix of this list's $skipToken. */
    public static final String PAGE_KIND = "ex1";

    private static final Sort NEWEST_FIRST = Sort.descending("createdAt", "id");

    private final Transactions transactions;
    private final MachineRepository machines;
    private final RunCommandRepository commands;
    private final ExecutionRepository executions;

    ExecutionHistoryReader(Transactions transactions, MachineRepository machines, RunCommandRepository commands,
            ExecutionRepository executions) {
        this.transactions = transactions;
        this.machines = machines;
        this.commands = commands;
        this.executions = executions;
    }

    /** One page of the history; fails with 404 ParentResourceNotFound or ResourceNotFound. */
    public Uni<PageRequest.Page<ExecutionEntity>> list(MachineScope scope, String name, PageRequest page) {
        Position after = page.after().map(ExecutionHistoryReader::position).orElse(null);
        return transactions.read(() -> machines.requireParent(scope)
                .flatMap(machine -> commands.findByName(machine.id, name))
                .onItem().ifNull().failWith(() -> RunCommandReader.notFound(scope, name))
                .flatMap(command -> fetch(command.id, after, page.size() + 1)))
                .map(found -> page.page(found, PAGE_KIND, ExecutionHistoryReader::key));
    }

    private Uni<List<ExecutionEntity>> fetch(UUID runCommandId, Position after, int limit) {
        return (after == null
                ? executions.find("runCommandId = ?1", NEWEST_FIRST, runCommandId)
                : executions.find("runCommandId = ?1 and (createdAt < ?2 or (createdAt = ?2 and id < ?3))",
                        NEWEST_FIRST, runCommandId, after.createdAt(), after.id()))
                .range(0, limit - 1).list();
    }

    /** Where a page starts: after the execution with this creation time and id. */
    private record Position(OffsetDateTime createdAt, UUID id) {
    }

    private static String key(ExecutionEntity execution) {
        Instant created = execution.createdAt.toInstant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, created) + ":" + execution.id;
    }

    private static Position position(String key) {
        int colon = key.indexOf(':');
        try {
            long micros = Long.parseLong(key.substring(0, colon));
            Instant created = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
            return new Position(OffsetDateTime.ofInstant(created, ZoneOffset.UTC),
                    UUID.fromString(key.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw PageRequest.invalidToken();
        }
    }
}
