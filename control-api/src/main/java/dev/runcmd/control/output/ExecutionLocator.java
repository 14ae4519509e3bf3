package dev.runcmd.control.output;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds the execution an output request names (a run command's current one, or a given one of its executions)
 * with one reactive query, and fails with the same 404s as the REST reads: ParentResourceNotFound for an unknown
 * (or deleted) machine, ResourceNotFound for an unknown run command or execution.
 */
@ApplicationScoped
public class ExecutionLocator {

    private static final String QUERY = """
            select r.id as run_command_id, e.id as execution_id, e.state, e.exit_code, e.message,
                   e.stdout_bytes, e.stderr_bytes, e.stdout_dropped, e.stderr_dropped, e.output_cap_bytes
              from machine m
              left join run_command r on r.machine_id = m.id and r.name = $4
              left join execution e on e.run_command_id = r.id and e.id = coalesce($5::uuid, r.current_execution_id)
             where m.subscription_id = $1 and m.resource_group = $2 and m.name = $3 and m.revoked_at is null
            """;

    private final Sql sql;

    ExecutionLocator(Sql sql) {
        this.sql = sql;
    }

    /** The execution to read; {@code executionId} empty means the run command's current execution. */
    public Uni<OutputTarget> locate(MachineScope scope, String name, Optional<UUID> executionId) {
        Tuple arguments = Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.machineName(), name,
                executionId.orElse(null));
        return sql.query(QUERY, arguments).map(rows -> toTarget(rows, scope, name, executionId));
    }

    private static OutputTarget toTarget(RowSet<Row> rows, MachineScope scope, String name,
            Optional<UUID> executionId) {
        RowIterator<Row> iterator = rows.iterator();
        if (!iterator.hasNext()) {
            throw ArmException.parentNotFound(scope.machineName(), scope.resourceGroup());
        }
        Row row = iterator.next();
        String resource = MachineScope.TYPE + "/" + scope.machineName() + "/runCommands/" + name;
        if (row.getUUID("run_command_id") == null) {
            throw notFound("The Resource '" + resource + "'", scope);
        }
        if (row.getUUID("execution_id") == null) {
            throw notFound(executionId.map(id -> "The execution '" + id + "' of '" + resource + "'")
                    .orElse("An execution of '" + resource + "'"), scope);
        }
        return new OutputTarget(row.getUUID("execution_id"), ExecutionStatus.fromRow(row));
    }

    private static ArmException notFound(String what, MachineScope scope) {
        return ArmException.resourceNotFound(what + " under resource group '" + scope.resourceGroup()
                + "' was not found.");
    }
}
