package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.RequestJson;
import dev.runcmd.state.ExecutionState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a definition's {@code dependsOn} against the stored run commands of its machine and decides how its new
 * execution starts ({@link DependencyPlan}). Runs inside the writing transaction, after the run command's own row
 * lock.
 *
 * <p>Writes that give a dependsOn on one machine check its graph one at a time: each first takes the transaction
 * advisory lock whose key is the machine's id, so the second reads the graph only after the first has committed,
 * and two concurrent writes can never store a cycle between them. A write without dependsOn cannot close a cycle
 * and takes no such lock. (No other part of runcmd uses advisory locks.)
 *
 * <p>The dependencies' current executions are read {@code FOR SHARE}: a gateway that is about to end one of them
 * waits until this transaction commits, so when it then updates the waiting executions it sees the new one. A
 * gateway must therefore update a dependency's state before, in a later statement than, its dependents.
 */
@ApplicationScoped
class DependencyPlanner {

    private final RunCommandRepository commands;
    private final ExecutionRepository executions;

    DependencyPlanner(RunCommandRepository commands, ExecutionRepository executions) {
        this.commands = commands;
        this.executions = executions;
    }

    /**
     * The plan for a new execution of {@code name} depending on {@code dependsOn}. Fails with 400
     * InvalidRequestContent for an unknown name or a cycle.
     */
    Uni<DependencyPlan> plan(long machineId, String name, List<String> dependsOn) {
        if (dependsOn.isEmpty()) {
            return Uni.createFrom().item(DependencyPlan.READY);
        }
        if (dependsOn.contains(name)) {
            return Uni.createFrom().failure(cycle(List.of(name, name)));
        }
        return lockGraph(machineId).chain(() -> commands.listByMachine(machineId)).flatMap(all -> {
            Map<String, RunCommandEntity> byName = all.stream()
                    .collect(Collectors.toMap(c -> c.name, Function.identity()));
            requireKnown(dependsOn, byName);
            requireAcyclic(name, dependsOn, byName);
            List<UUID> ids = dependsOn.stream().map(n -> byName.get(n).currentExecutionId)
                    .filter(Objects::nonNull).toList();
            return executions.lockShared(ids).map(rows -> decide(dependsOn, byName, rows));
        });
    }

    private static Uni<Long> lockGraph(long machineId) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select count(*) from pg_advisory_xact_lock(cast(?1 as bigint))", Long.class)
                .setParameter(1, machineId)
                .getSingleResult());
    }

    private static void requireKnown(List<String> dependsOn, Map<String, RunCommandEntity> byName) {
        List<String> unknown = dependsOn.stream().filter(n -> !byName.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            throw RequestJson.invalid("properties.dependsOn", "no run command named '"
                    + String.join("', '", unknown) + "' on this machine");
        }
    }

    private static void requireAcyclic(String name, List<String> dependsOn, Map<String, RunCommandEntity> byName) {
        Map<String, List<String>> edges = new HashMap<>();
        byName.forEach((n, command) -> edges.put(n, JsonColumns.readNames(command.dependsOnJson)));
        edges.put(name, dependsOn);
        DependencyGraph.cycleThrough(name, edges).ifPresent(path -> {
            throw cycle(path);
        });
    }

    private static ArmException cycle(List<String> path) {
        return RequestJson.invalid("properties.dependsOn", "the dependencies form a cycle: "
                + String.join(" -> ", path));
    }

    /** Waits for what has not succeeded yet; a dependency that already ended otherwise cancels the new run. */
    private static DependencyPlan decide(List<String> dependsOn, Map<String, RunCommandEntity> byName,
            List<ExecutionEntity> rows) {
        Map<UUID, ExecutionEntity> byId = rows.stream().collect(Collectors.toMap(e -> e.id, Function.identity()));
        List<UUID> waitingFor = new ArrayList<>();
        List<String> waitingNames = new ArrayList<>();
        for (String dependency : dependsOn) {
            ExecutionEntity execution = byId.get(byName.get(dependency).currentExecutionId);
            if (execution == null) {
                return DependencyPlan.canceled(dependency, ExecutionState.AZURE_UNKNOWN);
            }
            ExecutionState state = execution.executionState();
            if (state.isTerminal() && state != ExecutionState.SUCCEEDED) {
                return DependencyPlan.canceled(dependency, state.azure());
            }
            if (!state.isTerminal()) {
                waitingFor.add(execution.id);
                waitingNames.add(dependency);
            }
        }
        return waitingFor.isEmpty() ? DependencyPlan.READY : DependencyPlan.waiting(waitingFor, waitingNames);
    }
}
