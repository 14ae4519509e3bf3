package dev.runcmd.control.grpc;

import dev.runcmd.control.runcommand.OutputBlobs;
import dev.runcmd.control.runcommand.Parameter;
import dev.runcmd.control.runcommand.RunAs;
import dev.runcmd.control.runcommand.RunCommandRequest;
import dev.runcmd.control.runcommand.RunCommandRequestParser;
import dev.runcmd.control.runcommand.ScriptSource;
import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Checks a CreateOrUpdateRunCommand request with the rules of the REST PUT body and turns it into the same
 * {@link RunCommandRequest}, failing with INVALID_ARGUMENT that names the field. Messages never contain a
 * parameter value. runcmd.v1 carries an inline script only (no scriptUri, commandId, runAs, blobs or dependsOn
 * yet); REST is the way to those.
 */
final class CreateRequests {

    private CreateRequests() {
    }

    /** The validated request. */
    static RunCommandRequest toRequest(CreateOrUpdateRunCommandRequest request) {
        if (request.getLocation().isBlank()) {
            throw GrpcErrors.invalidArgument("location: a non-empty string is required");
        }
        int timeout = request.getTimeoutInSeconds();
        if (timeout < 0 || timeout > RunCommandRequestParser.MAX_TIMEOUT_SECONDS) {
            throw GrpcErrors.invalidArgument("timeout_in_seconds: expected an integer from 0 to "
                    + RunCommandRequestParser.MAX_TIMEOUT_SECONDS);
        }
        int deliveryTimeout = request.getDeliveryTimeoutInSeconds();
        if (deliveryTimeout < 0 || deliveryTimeout > RunCommandRequestParser.MAX_DELIVERY_TIMEOUT_SECONDS) {
            throw GrpcErrors.invalidArgument("delivery_timeout_in_seconds: expected 0 (the default, "
                    + RunCommandRequestParser.DEFAULT_DELIVERY_TIMEOUT_SECONDS + ") or an integer from 1 to "
                    + RunCommandRequestParser.MAX_DELIVERY_TIMEOUT_SECONDS);
        }
        return new RunCommandRequest(request.getLocation(), new LinkedHashMap<>(request.getTagsMap()),
                ScriptSource.script(request.getScript()), parameters(request.getParametersList(), "parameters"),
                parameters(request.getProtectedParametersList(), "protected_parameters"), RunAs.AGENT,
                OutputBlobs.NONE, request.getAsyncExecution(), timeout,
                deliveryTimeout == 0 ? RunCommandRequestParser.DEFAULT_DELIVERY_TIMEOUT_SECONDS : deliveryTimeout,
                List.of());
    }

    private static List<Parameter> parameters(List<dev.runcmd.proto.v1.Parameter> given, String field) {
        List<Parameter> result = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            String name = given.get(i).getName();
            if (!Parameter.isValidName(name)) {
                throw GrpcErrors.invalidArgument(field + "[" + i + "].name: '" + name
                        + "' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
            }
            result.add(new Parameter(name, given.get(i).getValue()));
        }
        return List.copyOf(result);
    }
}
