package dev.runcmd.control.runcommand;

import java.util.List;
import java.util.UUID;

/**
 * How a new execution starts with respect to its {@code dependsOn}: at once, waiting for some executions to
 * succeed, or Canceled at once because a dependency already ended otherwise.
 *
 * @param waitingFor the executions it waits for (empty: none)
 * @param message the execution's first message: empty, "Waiting for run command(s) a, b to succeed", or the
 *     reason it was canceled
 * @param canceled true when a dependency already ended other than Succeeded
 */
record DependencyPlan(List<UUID> waitingFor, String message, boolean canceled) {

    /** No dependencies, or all of them already succeeded. */
    static final DependencyPlan READY = new DependencyPlan(List.of(), "", false);

    /** Waits for these executions of these run commands. */
    static DependencyPlan waiting(List<UUID> executions, List<String> names) {
        return new DependencyPlan(List.copyOf(executions),
                "Waiting for run command(s) " + String.join(", ", names) + " to succeed", false);
    }

    /** Canceled at once because the named dependency ended in this state. */
    static DependencyPlan canceled(String name, String state) {
        return new DependencyPlan(List.of(), "Canceled: dependency '" + name + "' ended " + state, true);
    }

    /** The waiting_for column text, {@code {id,id}}. */
    String waitingForText() {
        return "{" + String.join(",", waitingFor.stream().map(UUID::toString).toList()) + "}";
    }
}
