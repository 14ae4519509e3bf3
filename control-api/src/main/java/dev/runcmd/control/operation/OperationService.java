package dev.runcmd.control.operation;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.runcommand.ExecutionRepository;
import dev.runcmd.control.runcommand.RunCommandRepository;
import dev.runcmd.control.store.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

/**
 * Reads long-running operations for their status and result URLs. A PUT or PATCH operation that is still
 * InProgress is re-derived from its execution on each read ({@link OperationRules}); once final, its status is
 * stored, so it stays the same after the execution or the run command is deleted. Concurrent readers may both
 * store the same final status; it is the same either way.
 */
@ApplicationScoped
public class OperationService {

    private final Transactions transactions;
    private final OperationRepository operations;
    private final ExecutionRepository executions;
    private final RunCommandRepository commands;

    OperationService(Transactions transactions, OperationRepository operations, ExecutionRepository executions,
            RunCommandRepository commands) {
        this.transactions = transactions;
        this.operations = operations;
        this.executions = executions;
        this.commands = commands;
    }

    /**
     * The operation with this id under this subscription and location, with its current status. Fails with 404
     * ResourceNotFound when there is none (an id that is not a UUID included).
     */
    public Uni<OperationEntity> read(String subscriptionId, String location, String operationId) {
        UUID id = parse(operationId);
        return transactions.write(() -> operations.findById(id)
                .map(found -> requireAddressed(found, subscriptionId, location, operationId))
                .flatMap(this::refresh));
    }

    private Uni<OperationEntity> refresh(OperationEntity operation) {
        if (operation.operationStatus().isTerminal() || operation.operationKind() == OperationKind.DELETE
                || operation.operationKind() == OperationKind.JOB) {
            return Uni.createFrom().item(operation);
        }
        return executions.findById(operation.executionId).flatMap(execution -> commands
                .findById(operation.runCommandId).map(command -> {
                    OperationRules.Derived derived = OperationRules.derive(operation.asyncExecution, execution,
                            command, OffsetDateTime.now(ZoneOffset.UTC));
                    if (derived.status().isTerminal()) {
                        operation.status = derived.status().stored();
                        operation.endTime = derived.endTime();
                        operation.errorCode = derived.errorCode();
                        operation.errorMessage = derived.errorMessage();
                    }
                    return operation;
                }));
    }

    private static OperationEntity requireAddressed(OperationEntity operation, String subscriptionId,
            String location, String operationId) {
        boolean addressed = operation != null
                && operation.resourceId.toLowerCase(Locale.ROOT)
                        .startsWith(("/subscriptions/" + subscriptionId + "/").toLowerCase(Locale.ROOT))
                && operation.location.equalsIgnoreCase(location);
        if (!addressed) {
            throw notFound(operationId);
        }
        return operation;
    }

    private static UUID parse(String operationId) {
        try {
            return UUID.fromString(operationId);
        } catch (IllegalArgumentException e) {
            throw notFound(operationId);
        }
    }

    private static ArmException notFound(String operationId) {
        return ArmException.resourceNotFound("The operation '" + operationId + "' was not found.");
    }
}
