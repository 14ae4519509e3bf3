package dev.runcmd.control.job;

import static dev.runcmd.control.arm.RequestJson.invalid;
import static dev.runcmd.control.arm.RequestJson.member;
import static dev.runcmd.control.arm.RequestJson.object;
import static dev.runcmd.control.arm.RequestJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.runcommand.RunCommandRequest;
import dev.runcmd.control.runcommand.RunCommandRequestParser;
import dev.runcmd.proto.tags.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a job's PUT body completely before anything is read or written:
 * {@code {"location","tags","properties":{"targets":{"machines":[..],"tags":{..}},"maxConcurrency","maxErrors",
 * "runCommand":{..the run command's properties..}}}}. The run command is checked by the run command's own parser, so
 * a job accepts exactly what a PUT of the run command on one machine accepts, less {@code dependsOn}.
 */
@ApplicationScoped
public class JobRequestParser {

    /** The most machines a job may name. */
    public static final int MAX_NAMED_MACHINES = 10_000;

    /** Members of the run command a job never shows: they may hold secrets. */
    private static final List<String> SECRET_MEMBERS =
            List.of("protectedParameters", "runAsPassword", "outputBlobUri", "errorBlobUri");

    private final RunCommandRequestParser runCommands;

    JobRequestParser(RunCommandRequestParser runCommands) {
        this.runCommands = runCommands;
    }

    /** Parses and validates a PUT body; throws an ArmException (400) on the first problem found. */
    public JobRequest parse(byte[] body) {
        return parse(runCommands.readObject(body));
    }

    /**
     * Validates a body already in JSON form (the gRPC API builds one from its request, so both APIs share every
     * rule and message); throws an ArmException (400) on the first problem found.
     */
    public JobRequest parse(ObjectNode root) {
        String location = text(member(root, "location"), "location");
        if (location == null || location.isBlank()) {
            throw invalid("location", "a non-empty string is required");
        }
        ObjectNode properties = object(member(root, "properties"), "properties");
        if (properties == null) {
            throw invalid("properties", "an object with targets and runCommand is required");
        }
        ObjectNode runCommand = object(member(properties, "runCommand"), "properties.runCommand");
        if (runCommand == null) {
            throw invalid("properties.runCommand", "an object with the run command's properties is required");
        }
        if (member(runCommand, "dependsOn") != null) {
            throw invalid("properties.runCommand.dependsOn", "a job's run command cannot depend on others");
        }
        ObjectNode definition = root.objectNode().put("location", location);
        definition.set("properties", runCommand.deepCopy());
        RunCommandRequest request = runCommands.parse(definition);
        return new JobRequest(location, tags(member(root, "tags"), "tags"), targets(properties),
                Limit.parse(member(properties, "maxConcurrency"), "properties.maxConcurrency", 1, "100%"),
                Limit.parse(member(properties, "maxErrors"), "properties.maxErrors", 0, "0"),
                request, shown(runCommand));
    }

    private static JobRequest.Targets targets(ObjectNode properties) {
        ObjectNode targets = object(member(properties, "targets"), "properties.targets");
        if (targets == null) {
            throw invalid("properties.targets", "an object with machines, tags or both is required");
        }
        List<String> machines = machines(member(targets, "machines"));
        Map<String, String> tags = tags(member(targets, "tags"), "properties.targets.tags");
        if (machines.isEmpty() && tags.isEmpty()) {
            throw invalid("properties.targets", "name machines, tags or both");
        }
        return new JobRequest.Targets(machines, tags);
    }

    private static List<String> machines(JsonNode node) {
        String path = "properties.targets.machines";
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(path, "expected an array of machine names");
        }
        if (node.size() > MAX_NAMED_MACHINES) {
            throw invalid(path, "at most " + MAX_NAMED_MACHINES + " machines");
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode name = node.get(i);
            if (!name.isTextual() || !ResourceNames.isMachine(name.textValue())) {
                throw invalid(path + "[" + i + "]", "expected a machine name (" + ResourceNames.MACHINE_RULE + ")");
            }
            if (!names.add(name.textValue())) {
                throw invalid(path + "[" + i + "]", "the machine '" + name.textValue() + "' is named twice");
            }
        }
        return new ArrayList<>(names);
    }

    private static Map<String, String> tags(JsonNode node, String path) {
        ObjectNode tags = object(node, path);
        Map<String, String> result = new LinkedHashMap<>();
        if (tags == null) {
            return result;
        }
        tags.fields().forEachRemaining(field -> {
            if (!field.getValue().isTextual()) {
                throw invalid(path + "." + field.getKey(), "expected a string");
            }
            result.put(field.getKey(), field.getValue().textValue());
        });
        try {
            Tags.validate(result);
        } catch (IllegalArgumentException bad) {
            throw invalid(path, bad.getMessage());
        }
        return result;
    }

    private static ObjectNode shown(ObjectNode runCommand) {
        ObjectNode shown = runCommand.deepCopy();
        shown.remove(SECRET_MEMBERS);
        return shown;
    }
}
