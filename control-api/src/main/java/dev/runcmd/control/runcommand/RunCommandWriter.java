package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.dispatch.CancelOrder;
import dev.runcmd.control.machine.MachineRepository;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.operation.OperationKind;
import dev.runcmd.control.operation.OperationRepository;
import dev.runcmd.control.store.Transactions;
import dev.runcmd.state.LockOrder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The writes that define a run command, each one reactive transaction: PUT (create or replace) and PATCH (merge
 * into the stored definition, then the same as a replacing PUT). Each starts a new execution and records the
 * long-running operation that tracks it. Nothing here talks to a gateway; the outcome says what to send once the
 * transaction has committed.
 *
 * <p>Lock order, {@link LockOrder}'s: the machine row (KEY SHARE, against its deletion: a deleted machine gets no new
 * execution); the run command row; then, with a dependsOn, the machine's dependency graph (an advisory lock) and the
 * dependencies' current executions (shared); then its own current execution row. Concurrent writes of one run
 * command therefore run one after the other, and no gateway moves those rows while they are read.
 */
@ApplicationScoped
public class RunCommandWriter {

    /** The message of a Pending execution that a PUT or PATCH replaced before any agent got it. */
    static final String SUPERSEDED = "Canceled: replaced by an update before it was delivered";

    private final Transactions transactions;
    private final MachineRepository machines;
    private final RunCommandRepository commands;
    private final ExecutionRepository executions;
    private final OperationRepository operations;
    private final DependencyPlanner planner;
    private final ExecutionStopper stopper;
    private final StoredDefinition definitions;
    private final RunCommandRequestParser parser;

    RunCommandWriter(Transactions transactions, MachineRepository machines, RunCommandRepository commands,
            ExecutionRepository executions, OperationRepository operations, DependencyPlanner planner,
            ExecutionStopper stopper, StoredDefinition definitions, RunCommandRequestParser parser) {
        this.transactions = transactions;
        this.machines = machines;
        this.commands = commands;
        this.executions = executions;
        this.operations = operations;
        this.planner = planner;
        this.stopper = stopper;
        this.definitions = definitions;
        this.parser = parser;
    }

    /**
     * Creates or replaces the run command and starts its new execution. Fails with 404 ParentResourceNotFound
     * when the machine never registered and 400 for a bad dependsOn; then nothing is written.
     */
    public Uni<PutOutcome> put(MachineScope scope, String name, RunCommandRequest request, Author author) {
        return transactions.write(() -> machines.lockParent(scope)
                .flatMap(machineId -> commands.lockByName(machineId, name)
                        .flatMap(existing -> store(scope, machineId, name, existing, request, OperationKind.PUT, author))));
    }

    /**
     * Applies {@code edit} (for a PATCH, {@link MergePatch}; secrets are kept unless it gives them) to the stored
     * definition as a PUT body (secrets opened; the edit changes and returns it,
     * inside the transaction, and must not keep or log it), checks the result with the PUT rules and stores it
     * like a replacing PUT: the one write path of REST's PATCH and gRPC's UpdateRunCommand. Fails with 404 when
     * the machine or the run command does not exist and 400 when the edited definition is invalid.
     */
    public Uni<PutOutcome> update(MachineScope scope, String name, UnaryOperator<ObjectNode> edit, Author author) {
        return transactions.write(() -> machines.lockParent(scope)
                .flatMap(machineId -> commands.lockByName(machineId, name)
                        .onItem().ifNull().failWith(() -> RunCommandReader.notFound(scope, name))
                        .flatMap(existing -> store(scope, machineId, name, existing,
                                parser.parse(edit.apply(definitions.toJson(existing))),
                                OperationKind.PATCH, author))));
    }

    private Uni<PutOutcome> store(MachineScope scope, long machineId, String name, RunCommandEntity existing,
            RunCommandRequest request, OperationKind kind, Author author) {
        author.checkRunAs(request.runAs());
        return planner.plan(machineId, name, request.dependsOn()).flatMap(plan -> existing == null
                ? create(scope, machineId, name, request, plan, author)
                : stopper.stop(scope, existing, "updated", SUPERSEDED)
                        .flatMap(stop -> define(scope, existing, request, plan, ProvisioningState.UPDATING,
                                stop.cancel(), kind, author)));
    }

    private Uni<PutOutcome> create(MachineScope scope, long machineId, String name, RunCommandRequest request,
            DependencyPlan plan, Author author) {
        RunCommandEntity command = new RunCommandEntity();
        command.id = UUID.randomUUID();
        command.machineId = machineId;
        command.name = name;
        command.createdAt = now();
        command.createdBy = author.name();
        command.createdByType = author.type();
        return define(scope, command, request, plan, ProvisioningState.CREATING, Optional.empty(),
                OperationKind.PUT, author);
    }

    /** Stores the definition, its new execution (made current) and the operation tracking it. */
    private Uni<PutOutcome> define(MachineScope scope, RunCommandEntity command, RunCommandRequest request,
            DependencyPlan plan, ProvisioningState state, Optional<CancelOrder> cancel, OperationKind kind,
            Author author) {
        boolean created = state == ProvisioningState.CREATING;
        OffsetDateTime now = now();
        definitions.apply(request, command);
        command.lastModifiedBy = author.name();
        command.lastModifiedByType = author.type();
        command.provisioningState = (plan.canceled() ? ProvisioningState.CANCELED : state).stored();
        command.updatedAt = now;
        ExecutionEntity execution = NewExecution.of(command, plan, now);
        command.currentExecutionId = execution.id;
        Uni<?> saved = created ? commands.persist(command) : Uni.createFrom().voidItem();
        return saved.chain(() -> executions.persist(execution))
                .chain(() -> operations.startRun(kind, scope.runCommandId(command.name), command.id, execution.id,
                        command.asyncExecution, command.location, now))
                .map(operationId -> new PutOutcome(created, new RunCommandSnapshot(scope, command, execution,
                        OutputTail.EMPTY, request.blobs()), command.machineId, cancel, operationId));
    }

    /**
     * Now, to the microsecond: PostgreSQL keeps no finer time, and the answer of a write must show the times every
     * later read shows.
     */
    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
