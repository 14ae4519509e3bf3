package dev.runcmd.control.grpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.job.JobRequestParser;
import dev.runcmd.proto.v1.CreateOrUpdateJobRequest;
import dev.runcmd.proto.v1.JobRunCommand;
import dev.runcmd.proto.v1.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Turns a CreateOrUpdateJob request into the REST PUT body it stands for, to be checked by the REST parser, so a
 * job made over gRPC obeys exactly the REST rules and a refusal carries the REST message (which names the body's
 * JSON path and never a parameter value). Unset optional fields are left out of the body, so the REST defaults
 * apply and the job shows them as not given.
 */
final class JobRequests {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JobRequests() {
    }

    /**
     * {@code {"location","tags","properties":{"targets","maxConcurrency","maxErrors","runCommand"}}}, for
     * {@link JobRequestParser#parse(ObjectNode)}, whose ArmException (400) becomes INVALID_ARGUMENT in GrpcErrors.
     */
    static ObjectNode body(CreateOrUpdateJobRequest request) {
        ObjectNode root = JSON.objectNode().put("location", request.getLocation());
        root.set("tags", map(request.getTagsMap()));
        ObjectNode properties = root.putObject("properties");
        ObjectNode targets = properties.putObject("targets");
        ArrayNode machines = targets.putArray("machines");
        request.getTargets().getMachinesList().forEach(machines::add);
        targets.set("tags", map(request.getTargets().getTagsMap()));
        if (!request.getMaxConcurrency().isEmpty()) {
            properties.put("maxConcurrency", request.getMaxConcurrency());
        }
        if (!request.getMaxErrors().isEmpty()) {
            properties.put("maxErrors", request.getMaxErrors());
        }
        properties.set("runCommand", runCommand(request.getRunCommand()));
        return root;
    }

    private static ObjectNode runCommand(JobRunCommand command) {
        ObjectNode properties = JSON.objectNode();
        properties.putObject("source").put("script", command.getScript());
        if (command.getParametersCount() > 0) {
            properties.set("parameters", parameters(command.getParametersList()));
        }
        if (command.getProtectedParametersCount() > 0) {
            properties.set("protectedParameters", parameters(command.getProtectedParametersList()));
        }
        if (command.getTimeoutInSeconds() != 0) {
            properties.put("timeoutInSeconds", command.getTimeoutInSeconds());
        }
        if (command.getAsyncExecution()) {
            properties.put("asyncExecution", true);
        }
        if (command.getDeliveryTimeoutInSeconds() != 0) {
            properties.put("deliveryTimeoutInSeconds", command.getDeliveryTimeoutInSeconds());
        }
        return properties;
    }

    private static ArrayNode parameters(List<Parameter> given) {
        ArrayNode array = JSON.arrayNode();
        given.forEach(parameter -> array.addObject().put("name", parameter.getName())
                .put("value", parameter.getValue()));
        return array;
    }

    private static ObjectNode map(Map<String, String> entries) {
        ObjectNode object = JSON.objectNode();
        entries.forEach(object::put);
        return object;
    }
}
