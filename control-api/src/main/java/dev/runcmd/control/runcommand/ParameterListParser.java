package dev.runcmd.control.runcommand;

import static dev.runcmd.control.arm.RequestJson.invalid;
import static dev.runcmd.control.arm.RequestJson.member;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code parameters} and {@code protectedParameters}: arrays of {@code {"name": string, "value": string}}.
 * A number or boolean value is accepted and kept as its text, as Azure's own examples send {@code 443}. A named
 * parameter becomes an environment variable on Linux, so its name must be a valid variable name; an empty name
 * makes the parameter positional. Error messages never contain a value.
 */
final class ParameterListParser {

    /** The parameters at this path, in order; empty when absent. */
    List<Parameter> parse(JsonNode node, String path) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(path, "expected an array of {name, value} objects");
        }
        List<Parameter> result = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            result.add(parameter(node.get(i), path + "[" + i + "]"));
        }
        return List.copyOf(result);
    }

    private static Parameter parameter(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw invalid(path, "expected an object with name and value");
        }
        ObjectNode object = (ObjectNode) node;
        return new Parameter(name(member(object, "name"), path + ".name"), value(member(object, "value"),
                path + ".value"));
    }

    private static String name(JsonNode node, String path) {
        if (node == null || !node.isTextual()) {
            throw invalid(path, "expected a string (empty for a positional parameter)");
        }
        String name = node.textValue();
        if (!Parameter.isValidName(name)) {
            throw invalid(path, "'" + name + "' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
        }
        return name;
    }

    private static String value(JsonNode node, String path) {
        if (node == null || !(node.isTextual() || node.isNumber() || node.isBoolean())) {
            throw invalid(path, "expected a string");
        }
        return node.asText();
    }
}
