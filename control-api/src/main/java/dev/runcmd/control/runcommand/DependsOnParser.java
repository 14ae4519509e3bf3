package dev.runcmd.control.runcommand;

import static dev.runcmd.control.arm.RequestJson.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ResourceNames;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code properties.dependsOn}: an array of distinct run command names. Whether the names exist and whether
 * they form a cycle is decided against the stored run commands, by {@link DependencyPlanner}.
 */
final class DependsOnParser {

    private static final String PATH = "properties.dependsOn";

    private DependsOnParser() {
    }

    /** The names, in request order; empty when absent. */
    static List<String> parse(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(PATH, "expected an array of run command names");
        }
        List<String> names = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            String name = name(node.get(i), PATH + "[" + i + "]");
            if (names.contains(name)) {
                throw invalid(PATH + "[" + i + "]", "'" + name + "' is listed twice");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    private static String name(JsonNode node, String path) {
        if (node == null || !node.isTextual()) {
            throw invalid(path, "expected a run command name");
        }
        try {
            return ResourceNames.requireRunCommand(node.textValue());
        } catch (ArmException e) {
            throw invalid(path, "'" + node.textValue() + "' is not a run command name ([a-zA-Z0-9-_.]{1,36})");
        }
    }
}
