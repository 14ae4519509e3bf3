package dev.runcmd.control.grpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.runcmd.proto.v1.RunCommandDefinition;
import java.util.List;
import java.util.Map;

/**
 * The fields of {@link RunCommandDefinition} and the member of the REST PUT body each one stands for: the one
 * table that both the create body ({@link RunCommandRequests}) and the update edit ({@link RunCommandUpdates})
 * use. Setting a field to its empty value removes its member, so the REST default (or the REST error for a
 * required member) applies.
 */
final class RunCommandFields {

    /** The field names, in field order; UpdateRunCommand's update_mask paths are these (and "tags.&lt;key&gt;"). */
    static final List<String> NAMES = RunCommandDefinition.getDescriptor().getFields().stream()
            .map(FieldDescriptor::getName).toList();

    /** The prefix of a mask path naming one tag. */
    static final String TAG_PREFIX = "tags.";

    private static final Map<String, String> SOURCE_MEMBERS = Map.of("script", "script", "script_uri", "scriptUri",
            "command_id", "commandId");

    private static final Map<String, String> TEXT_MEMBERS = Map.of("run_as_user", "runAsUser", "run_as_password",
            "runAsPassword", "output_blob_uri", "outputBlobUri", "error_blob_uri", "errorBlobUri");

    private RunCommandFields() {
    }

    /** The descriptor of a field named in {@link #NAMES}. */
    static FieldDescriptor descriptor(String name) {
        return RunCommandDefinition.getDescriptor().findFieldByName(name);
    }

    /** True when the field holds something other than its empty value (an empty list or map, "", 0, false). */
    static boolean isSet(RunCommandDefinition definition, String name) {
        FieldDescriptor field = descriptor(name);
        return field.isRepeated() ? definition.getRepeatedFieldCount(field) > 0 : definition.hasField(field);
    }

    /** The member of {@code properties.source} that a source field stands for. */
    static String sourceMember(String name) {
        return SOURCE_MEMBERS.get(name);
    }

    /** True for script, script_uri and command_id. */
    static boolean isSource(String name) {
        return SOURCE_MEMBERS.containsKey(name);
    }

    /**
     * Sets the body's member for the field {@code name} (not a source field) to the definition's value, removing
     * it for an empty text or a 0 delivery timeout.
     */
    static void apply(ObjectNode root, String name, RunCommandDefinition definition) {
        ObjectNode properties = properties(root);
        if (TEXT_MEMBERS.containsKey(name)) {
            text(properties, TEXT_MEMBERS.get(name), (String) definition.getField(descriptor(name)));
            return;
        }
        switch (name) {
            case "location" -> root.put("location", definition.getLocation());
            case "tags" -> root.set("tags", RunCommandRequests.map(definition.getTagsMap()));
            case "parameters" -> properties.set("parameters",
                    RunCommandRequests.parameters(definition.getParametersList()));
            case "protected_parameters" -> properties.set("protectedParameters",
                    RunCommandRequests.parameters(definition.getProtectedParametersList()));
            case "async_execution" -> properties.put("asyncExecution", definition.getAsyncExecution());
            case "timeout_in_seconds" -> properties.put("timeoutInSeconds", definition.getTimeoutInSeconds());
            case "delivery_timeout_in_seconds" -> {
                if (definition.getDeliveryTimeoutInSeconds() == 0) {
                    properties.remove("deliveryTimeoutInSeconds");
                } else {
                    properties.put("deliveryTimeoutInSeconds", definition.getDeliveryTimeoutInSeconds());
                }
            }
            case "depends_on" -> {
                ArrayNode names = properties.putArray("dependsOn");
                definition.getDependsOnList().forEach(names::add);
            }
            default -> throw new IllegalArgumentException("not a non-source field of RunCommandDefinition: " + name);
        }
    }

    /** Sets or (for "tags.&lt;key&gt;" absent from the definition's tags) removes one tag. */
    static void applyTag(ObjectNode root, String key, RunCommandDefinition definition) {
        ObjectNode tags = root.get("tags") instanceof ObjectNode stored ? stored : root.putObject("tags");
        if (definition.containsTags(key)) {
            tags.put(key, definition.getTagsOrThrow(key));
        } else {
            tags.remove(key);
        }
    }

    private static ObjectNode properties(ObjectNode root) {
        return root.get("properties") instanceof ObjectNode stored ? stored : root.putObject("properties");
    }

    private static void text(ObjectNode properties, String member, String value) {
        if (value.isEmpty()) {
            properties.remove(member);
        } else {
            properties.put(member, value);
        }
    }
}
