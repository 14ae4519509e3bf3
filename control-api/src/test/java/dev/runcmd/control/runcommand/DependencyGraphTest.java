package dev.runcmd.control.runcommand;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cycle detection in the dependsOn graph of one machine. */
class DependencyGraphTest {

    @Test
    void findsTheCycleThroughTheChangedRunCommand() {
        Map<String, List<String>> edges = Map.of("a", List.of("x", "c"), "c", List.of("b"), "b", List.of("a"),
                "x", List.of());

        assertEquals(Optional.of(List.of("a", "c", "b", "a")), DependencyGraph.cycleThrough("a", edges));
    }

    @Test
    void diamondIsNoCycle() {
        Map<String, List<String>> edges = Map.of("d", List.of("b", "c"), "b", List.of("a"), "c", List.of("a"));

        assertEquals(Optional.empty(), DependencyGraph.cycleThrough("d", edges));
    }
}
