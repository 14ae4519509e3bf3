package dev.runcmd.control.job;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.RequestJson;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Caller;
import dev.runcmd.control.dispatch.Dispatcher;
import dev.runcmd.control.runcommand.Author;
import dev.runcmd.control.runcommand.RunCommandTemplate;
import dev.runcmd.control.runcommand.WriteConflicts;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Creates, cancels and deletes jobs for a caller: resolves the targets, checks that the caller may write the run
 * command on every one of them (and run it as root there, when it would), writes, and after the commit tells the
 * driver and the gateways.
 */
@ApplicationScoped
public class JobService {

    private final Sql sql;
    private final JobWriter writer;
    private final JobDriver driver;
    private final Dispatcher dispatcher;
    private final RunCommandTemplate templates;
    private final Access access;
    private final int maxTargets;

    JobService(Sql sql, JobWriter writer, JobDriver driver, Dispatcher dispatcher, RunCommandTemplate templates,
            Access access, JobConfig config) {
        this.sql = sql;
        this.writer = writer;
        this.driver = driver;
        this.dispatcher = dispatcher;
        this.templates = templates;
        this.access = access;
        this.maxTargets = config.maxTargets();
    }

    /** Creates or replaces a job and starts its first targets. */
    public Uni<JobWriter.Created> put(JobScope scope, JobRequest request, Caller caller) {
        return resolve(scope, request.targets())
                .call(targets -> authorize(scope, caller, request, targets))
                .flatMap(targets -> {
                    RunCommandTemplate.Columns columns = templates.of(scope.name(), request.runCommand(),
                            new Author(caller.name(), caller.type().name(), null));
                    return writer.create(scope, request, targets, columns);
                })
                .onFailure(WriteConflicts::isUniqueViolation).transform(e -> conflict(scope))
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(scope))
                .invoke(created -> driver.nudge());
    }

    /** Cancels a running job; 404 when there is none. */
    public Uni<JobWriter.Stopped> cancel(JobScope scope) {
        return writer.cancel(scope)
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(scope))
                .invoke(stopped -> {
                    stopped.cancels().forEach(dispatcher::cancel);
                    driver.nudge();
                });
    }

    /** Deletes a job and its run commands. */
    public Uni<JobWriter.Stopped> delete(JobScope scope) {
        return writer.delete(scope)
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(scope))
                .invoke(stopped -> stopped.cancels().forEach(dispatcher::cancel));
    }

    /** The machines of the resource group the targets name or match, named ones first in their order. */
    private Uni<List<ResolvedTarget>> resolve(JobScope scope, JobRequest.Targets targets) {
        String tags = json(targets.tags());
        return sql.query(JobSql.RESOLVE_TARGETS, Tuple.of(scope.subscriptionId(), scope.resourceGroup(),
                        targets.machines().toArray(String[]::new), tags))
                .map(rows -> order(targets, rows));
    }

    private List<ResolvedTarget> order(JobRequest.Targets targets, RowSet<Row> rows) {
        Map<String, ResolvedTarget> found = new HashMap<>();
        List<ResolvedTarget> tagged = new ArrayList<>();
        for (Row row : rows) {
            ResolvedTarget target = new ResolvedTarget(row.getLong("id"), row.getString("name"));
            found.put(target.name(), target);
            tagged.add(target);
        }
        List<String> missing = targets.machines().stream().filter(name -> !found.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw RequestJson.invalid("properties.targets.machines", "no machine named " + quoted(missing)
                    + " in this resource group");
        }
        Set<ResolvedTarget> ordered = new LinkedHashSet<>();
        targets.machines().forEach(name -> ordered.add(found.get(name)));
        ordered.addAll(tagged);
        if (ordered.isEmpty()) {
            throw RequestJson.invalid("properties.targets.tags", "no machine in this resource group has the tags "
                    + json(targets.tags()));
        }
        if (ordered.size() > maxTargets) {
            throw RequestJson.invalid("properties.targets", ordered.size() + " machines match; a job runs on at most "
                    + maxTargets);
        }
        return List.copyOf(ordered);
    }

    /** The caller must be allowed to write the run command on every target, and to run it as root if it would. */
    private Uni<Void> authorize(JobScope scope, Caller caller, JobRequest request, List<ResolvedTarget> targets) {
        boolean root = Author.runsAsRoot(request.runCommand().runAs());
        Uni<Predicate<String>> rootCheck = root ? access.checker(caller, Actions.RUN_COMMAND_AS_ROOT)
                : Uni.createFrom().item(id -> true);
        return access.checker(caller, Actions.RUN_COMMAND_WRITE).flatMap(write -> rootCheck.map(asRoot -> {
            for (ResolvedTarget target : targets) {
                String runCommandId = scope.runCommandId(target.name());
                if (!write.test(runCommandId)) {
                    throw Access.denied(caller, Actions.RUN_COMMAND_WRITE, runCommandId);
                }
                if (!asRoot.test(runCommandId)) {
                    throw Access.denied(caller, Actions.RUN_COMMAND_AS_ROOT, runCommandId);
                }
            }
            return null;
        }));
    }

    private static String json(Map<String, String> tags) {
        return new JsonObject(new LinkedHashMap<>(tags)).encode();
    }

    private static String quoted(List<String> names) {
        List<String> shown = names.subList(0, Math.min(10, names.size()));
        return "'" + String.join("', '", shown) + "'" + (names.size() > shown.size() ? " and "
                + (names.size() - shown.size()) + " more" : "");
    }

    private static ArmException conflict(JobScope scope) {
        return ArmException.conflict("The job '" + scope.name() + "' or one of its run commands was changed "
                + "concurrently; retry the request.");
    }
}
