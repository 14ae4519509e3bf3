package dev.runcmd.control.grpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.runcommand.RunCommandRequestParser;
import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.Parameter;
import dev.runcmd.proto.v1.RunCommandDefinition;
import java.util.List;
import java.util.Map;

/**
 * Turns the run command definitions of runcmd.v1 into the REST PUT body they stand for, to be checked by
 * {@link RunCommandRequestParser}, so a run command made or changed over gRPC obeys exactly the REST rules and a
 * refusal carries the REST message (which names the body's JSON path, e.g. {@code properties.source.scriptUri},
 * and never a parameter value, a password or a URL). An empty string or 0 stands for a member left out, so the
 * REST defaults apply; an empty inline script is the one exception (it is a script).
 *
 * <p>The body holds secrets (protected parameters, the password, SAS URLs): it is handed to the parser only and
 * never logged.
 */
final class RunCommandRequests {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The three members of {@code properties.source}, of which exactly one is given. */
    static final List<String> SOURCE_FIELDS = List.of("script", "script_uri", "command_id");

    private RunCommandRequests() {
    }

    /** The PUT body of a CreateOrUpdateRunCommand request. */
    static ObjectNode body(CreateOrUpdateRunCommandRequest request) {
        return body(definition(request));
    }

    /**
     * The PUT body of a definition: every set field, and a source with every source field that is set (the parser
     * refuses more than one), or an empty inline script when none is.
     */
    static ObjectNode body(RunCommandDefinition definition) {
        ObjectNode root = JSON.objectNode().put("location", definition.getLocation());
        ObjectNode source = root.putObject("properties").putObject("source");
        for (String field : RunCommandFields.NAMES) {
            if (SOURCE_FIELDS.contains(field)) {
                String value = (String) definition.getField(RunCommandFields.descriptor(field));
                if (!value.isEmpty()) {
                    source.put(RunCommandFields.sourceMember(field), value);
                }
            } else if (RunCommandFields.isSet(definition, field)) {
                RunCommandFields.apply(root, field, definition);
            }
        }
        if (source.isEmpty()) {
            source.put("script", "");
        }
        return root;
    }

    /** The definition a CreateOrUpdateRunCommand request carries, field by field. */
    static RunCommandDefinition definition(CreateOrUpdateRunCommandRequest request) {
        return RunCommandDefinition.newBuilder()
                .setLocation(request.getLocation())
                .putAllTags(request.getTagsMap())
                .setScript(request.getScript())
                .setScriptUri(request.getScriptUri())
                .setCommandId(request.getCommandId())
                .addAllParameters(request.getParametersList())
                .addAllProtectedParameters(request.getProtectedParametersList())
                .setRunAsUser(request.getRunAsUser())
                .setRunAsPassword(request.getRunAsPassword())
                .setOutputBlobUri(request.getOutputBlobUri())
                .setErrorBlobUri(request.getErrorBlobUri())
                .setAsyncExecution(request.getAsyncExecution())
                .setTimeoutInSeconds(request.getTimeoutInSeconds())
                .setDeliveryTimeoutInSeconds(request.getDeliveryTimeoutInSeconds())
                .addAllDependsOn(request.getDependsOnList())
                .build();
    }

    /** {@code [{"name","value"}, ...]}. */
    static ArrayNode parameters(List<Parameter> given) {
        ArrayNode array = JSON.arrayNode();
        given.forEach(parameter -> array.addObject().put("name", parameter.getName())
                .put("value", parameter.getValue()));
        return array;
    }

    /** A JSON object of string members. */
    static ObjectNode map(Map<String, String> entries) {
        ObjectNode object = JSON.objectNode();
        entries.forEach(object::put);
        return object;
    }
}
