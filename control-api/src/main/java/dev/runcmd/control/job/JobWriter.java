package dev.runcmd.control.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.dispatch.CancelOrder;
import dev.runcmd.control.runcommand.ExecutionEntity;
import dev.runcmd.control.runcommand.RunCommandEntity;
import dev.runcmd.control.runcommand.RunCommandTemplate;
import dev.runcmd.control.runcommand.RunRecords;
import dev.runcmd.control.store.Sql;
import dev.runcmd.state.Cancellation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The writes of fan-out jobs, each one transaction on a connection of its own: create (the job, its operation,
 * and on every target the run command and its held execution, in three statements whatever the number of targets),
 * cancel and delete. Nothing here talks to a gateway; the outcomes say what to send once committed.
 */
@ApplicationScoped
public class JobWriter {

    /** What a create did. */
    public record Created(UUID jobId, UUID operationId, boolean replaced, int targetCount,
            Map<String, Object> runProperties) {

        /** What the activity log records of the create, REST and gRPC alike: the run's properties and the limits. */
        public Map<String, Object> activityProperties(JobRequest request) {
            Map<String, Object> properties = new LinkedHashMap<>(runProperties);
            properties.put("targetCount", targetCount);
            properties.put("maxConcurrency", request.maxConcurrency().text());
            properties.put("maxErrors", request.maxErrors().text());
            return properties;
        }
    }

    /**
     * What a cancel or delete decided: Cancels for the agents that may be running a target, and for a delete the
     * operation it recorded and the job's location.
     */
    public record Stopped(boolean existed, List<CancelOrder> cancels, UUID operationId, String location) {
    }

    static final String HELD_MESSAGE = "Waiting for the job to start this target (maxConcurrency)";
    static final String CANCELED_BEFORE_START = "Canceled: the job was canceled before this target started";
    static final String CANCELED = "Canceled: the job was canceled";

    private final Sql sql;
    private final ObjectMapper json;

    JobWriter(Sql sql, ObjectMapper json) {
        this.sql = sql;
        this.json = json;
    }

    /**
     * Creates the job, or replaces one of that name that has ended (its run commands stay, and are replaced on the
     * targets they share). Fails with 409 when a job of that name is still running, or when the run command is
     * still running on a target; then nothing is written.
     */
    Uni<Created> create(JobScope scope, JobRequest request, List<ResolvedTarget> targets,
            RunCommandTemplate.Columns columns) {
        UUID jobId = UUID.randomUUID();
        UUID operationId = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Long[] machineIds = targets.stream().map(ResolvedTarget::machineId).toArray(Long[]::new);
        return sql.transaction(connection -> connection.preparedQuery(JobSql.LOCK_JOB)
                .execute(Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name()))
                .flatMap(existing -> replace(connection, scope, existing))
                .flatMap(replaced -> connection.preparedQuery(JobSql.LOCK_EXISTING)
                        .execute(Tuple.of(scope.name(), machineIds))
                        .invoke(found -> refuseRunning(scope, found))
                        .chain(() -> connection.preparedQuery(JobSql.INSERT_OPERATION).execute(Tuple.of(
                                operationId, scope.resourceId(), request.location(), now)))
                        .chain(() -> connection.preparedQuery(JobSql.INSERT_JOB)
                                .execute(jobRow(jobId, operationId, scope, request, targets.size(), columns, now)))
                        .chain(() -> connection.preparedQuery(JobSql.CREATE_TARGETS)
                                .execute(targetRows(jobId, scope, targets, columns, now)))
                        .map(ignored -> new Created(jobId, operationId, replaced, targets.size(),
                                RunRecords.properties(columns.command())))));
    }

    private static Uni<Boolean> replace(SqlConnection connection, JobScope scope, RowSet<Row> existing) {
        if (existing.size() == 0) {
            return Uni.createFrom().item(false);
        }
        Row job = existing.iterator().next();
        if ("Running".equals(job.getString("provisioning_state"))) {
            throw ArmException.conflict("The job '" + scope.name()
                    + "' is still running; cancel it, or wait for it to end, before replacing it.");
        }
        return connection.preparedQuery(JobSql.DELETE_JOB).execute(Tuple.of(job.getUUID("id"))).replaceWith(true);
    }

    private static void refuseRunning(JobScope scope, RowSet<Row> found) {
        List<String> running = new ArrayList<>();
        for (Row row : found) {
            String state = row.getString("state");
            if (state != null && List.of("Pending", "Dispatched", "Running").contains(state)) {
                running.add(row.getString("name"));
            }
        }
        if (!running.isEmpty()) {
            throw ArmException.conflict("The run command '" + scope.name() + "' has not ended on "
                    + running.size() + " of the targets (" + String.join(", ", running.subList(0,
                            Math.min(5, running.size()))) + (running.size() > 5 ? ", …" : "")
                    + "); cancel it there, or wait for it to end, before a job replaces it.");
        }
    }

    private Tuple jobRow(UUID jobId, UUID operationId, JobScope scope, JobRequest request, int targetCount,
            RunCommandTemplate.Columns columns, OffsetDateTime now) {
        ObjectNode targets = json.createObjectNode();
        request.targets().machines().forEach(targets.putArray("machines")::add);
        ObjectNode tags = targets.putObject("tags");
        request.targets().tags().forEach(tags::put);
        return Tuple.from(Arrays.asList(jobId, scope.subscriptionId(), scope.resourceGroup(), scope.name(),
                request.location(), write(request.tags()), targets.toString(), request.maxConcurrency().text(),
                request.maxErrors().text(), request.maxConcurrency().concurrency(targetCount),
                request.maxErrors().errors(targetCount), request.shownRunCommand().toString(),
                request.runCommand().deliveryTimeoutSeconds(), targetCount, operationId,
                columns.command().createdBy, columns.command().createdByType, now));
    }

    private static Tuple targetRows(UUID jobId, JobScope scope, List<ResolvedTarget> targets,
            RunCommandTemplate.Columns columns, OffsetDateTime now) {
        int count = targets.size();
        Long[] machineIds = new Long[count];
        UUID[] commandIds = new UUID[count];
        UUID[] executionIds = new UUID[count];
        Integer[] positions = new Integer[count];
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            machineIds[i] = targets.get(i).machineId();
            commandIds[i] = UUID.randomUUID();
            executionIds[i] = UUID.randomUUID();
            positions[i] = i;
            names[i] = targets.get(i).name();
        }
        RunCommandEntity c = columns.command();
        ExecutionEntity e = columns.execution();
        return Tuple.from(Arrays.asList(machineIds, commandIds, executionIds, positions, names,
                scope.name(), c.location, c.tagsJson, c.script, c.parametersJson, c.protectedParametersSealed,
                c.asyncExecution, c.timeoutSeconds, c.scriptUri, c.commandId, c.runAsUser, c.outputBlobUri,
                c.errorBlobUri, c.runAsPasswordSealed, c.createdBy, c.createdByType, c.deliveryTimeoutSeconds,
                jobId, e.script, e.shell, HELD_MESSAGE, now));
    }

    /**
     * Stops the job: it starts no more targets (those not started end Canceled), Pending ones end Canceled, and
     * those an agent may hold get a Cancel after the commit; the job ends Canceled once they have ended. A job that
     * has already ended is left as it is.
     */
    Uni<Stopped> cancel(JobScope scope) {
        return sql.transaction(connection -> connection.preparedQuery(JobSql.LOCK_JOB)
                .execute(Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name()))
                .flatMap(found -> {
                    if (found.size() == 0) {
                        throw notFound(scope);
                    }
                    Row job = found.iterator().next();
                    if (!"Running".equals(job.getString("provisioning_state"))) {
                        return Uni.createFrom().item(new Stopped(true, List.of(), null, null));
                    }
                    UUID jobId = job.getUUID("id");
                    return connection.preparedQuery(JobSql.REQUEST_CANCEL)
                            .execute(Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name()))
                            .chain(() -> connection.preparedQuery(JobSql.STOP)
                                    .execute(Tuple.of(jobId, "The job was canceled.")))
                            .chain(() -> stopTargets(connection, scope, jobId))
                            .map(cancels -> new Stopped(true, cancels, null, null));
                }));
    }

    /**
     * Deletes the job and the run commands it created that are still its own (not since replaced by hand), like a
     * DELETE of each: what an agent may be running gets a Cancel after the commit.
     */
    Uni<Stopped> delete(JobScope scope) {
        UUID operationId = UUID.randomUUID();
        return sql.transaction(connection -> connection.preparedQuery(JobSql.LOCK_JOB)
                .execute(Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name()))
                .flatMap(found -> {
                    if (found.size() == 0) {
                        return Uni.createFrom().item(new Stopped(false, List.of(), null, null));
                    }
                    Row job = found.iterator().next();
                    UUID jobId = job.getUUID("id");
                    String location = job.getString("location");
                    return stopTargets(connection, scope, jobId)
                            .call(() -> connection.preparedQuery(JobSql.DELETE_RUN_COMMANDS).execute(Tuple.of(jobId)))
                            .call(() -> connection.preparedQuery(JobSql.END_OPERATION).execute(Tuple.of(jobId)))
                            .call(() -> connection.preparedQuery(JobSql.DELETE_JOB).execute(Tuple.of(jobId)))
                            .call(() -> connection.preparedQuery(JobSql.INSERT_DELETE_OPERATION).execute(Tuple.of(
                                    operationId, scope.resourceId(), location)))
                            .map(cancels -> new Stopped(true, cancels, operationId, location));
                }));
    }

    /** Ends held and Pending targets Canceled, with their dependents; returns Cancels for the ones on agents. */
    private static Uni<List<CancelOrder>> stopTargets(SqlConnection connection, JobScope scope, UUID jobId) {
        Tuple id = Tuple.of(jobId);
        return connection.preparedQuery(JobSql.LOCK_ACTIVE_COMMANDS).execute(id)
                .chain(() -> connection.preparedQuery(JobSql.TAKE_HELD).execute(id))
                .chain(held -> cancelPending(connection, held, CANCELED_BEFORE_START))
                .chain(() -> connection.preparedQuery(JobSql.RELEASED_PENDING).execute(id))
                .chain(pending -> cancelPending(connection, pending, CANCELED))
                .chain(() -> connection.preparedQuery(JobSql.ON_AGENTS).execute(id))
                .map(onAgents -> {
                    List<CancelOrder> cancels = new ArrayList<>();
                    for (Row row : onAgents) {
                        cancels.add(new CancelOrder(scope.machine(row.getString("machine_name")),
                                row.getLong("machine_id"), row.getUUID("id"), "canceled"));
                    }
                    return cancels;
                });
    }

    /**
     * Ends the Pending executions among {@code rows} ({@code id}) Canceled with {@code message}, with their run
     * commands' provisioning and their dependents. The caller holds those run commands' rows.
     */
    static Uni<Void> cancelPending(SqlConnection connection, RowSet<Row> rows, String message) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.getUUID("id")));
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(Cancellation.PENDING_WITH_DEPENDENTS)
                .execute(Tuple.of(ids.toArray(UUID[]::new), message))
                .replaceWithVoid();
    }

    private String write(Map<String, String> tags) {
        return json.valueToTree(tags).toString();
    }

    /** 404 ResourceNotFound for a job that does not exist. */
    public static ArmException notFound(JobScope scope) {
        return ArmException.resourceNotFound("The Resource '" + JobScope.TYPE + "/" + scope.name()
                + "' under resource group '" + scope.resourceGroup() + "' was not found.");
    }
}
