package dev.runcmd.control.runcommand;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code dependsOn} graph of the run commands of one machine, checked for a cycle through one of them before
 * its new definition is stored.
 */
final class DependencyGraph {

    private DependencyGraph() {
    }

    /**
     * A cycle that passes through {@code start}, as the names along it ending with {@code start} again
     * ({@code [a, b, a]}), or empty. {@code edges} maps each name to the names it depends on; names without an
     * entry depend on nothing. Only cycles through {@code start} are looked for: the stored graph had none before.
     */
    static Optional<List<String>> cycleThrough(String start, Map<String, List<String>> edges) {
        List<String> path = new ArrayList<>();
        return visit(start, start, edges, path, new HashSet<>()) ? Optional.of(List.copyOf(path)) : Optional.empty();
    }

    private static boolean visit(String node, String start, Map<String, List<String>> edges, List<String> path,
            Set<String> visited) {
        path.add(node);
        for (String next : edges.getOrDefault(node, List.of())) {
            if (next.equals(start)) {
                path.add(next);
                return true;
            }
            if (visited.add(next) && visit(next, start, edges, path, visited)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        return false;
    }
}
