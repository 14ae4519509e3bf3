package dev.runcmd.control.runcommand;

import static dev.runcmd.control.arm.RequestJson.invalid;
import static dev.runcmd.control.arm.RequestJson.member;
import static dev.runcmd.control.arm.RequestJson.object;
import static dev.runcmd.control.arm.RequestJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.RequestJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a PUT body (or a PATCH merged into a stored definition) into a {@link RunCommandRequest}, or throws 400
 * InvalidRequestContent with a message that names the offending JSON path. The body is parsed by hand into a tree
 * so that every error is precise; unknown and read-only members (id, provisioningState, instanceView, ...) are
 * ignored, so a GET response may be sent back as a PUT body. Every property of Azure's resource is either used
 * or refused with a reason; none is silently dropped.
 */
@ApplicationScoped
public class RunCommandRequestParser {

    /** The longest timeout accepted: two days. */
    public static final int MAX_TIMEOUT_SECONDS = 172_800;

    /** The longest delivery timeout accepted: 30 days. */
    public static final int MAX_DELIVERY_TIMEOUT_SECONDS = 2_592_000;

    /** The delivery timeout of a request that gives none: 24 hours (the V6 column default). */
    public static final int DEFAULT_DELIVERY_TIMEOUT_SECONDS = 86_400;

    /** The longest runAsUser accepted (Windows allows DOMAIN\\user forms, so no stricter pattern). */
    private static final int MAX_USER_LENGTH = 256;

    private final ObjectReader reader;
    private final ParameterListParser parameters = new ParameterListParser();

    RunCommandRequestParser(ObjectMapper mapper) {
        this.reader = RequestJson.strictReader(mapper);
    }

    /** Parses a body into a JSON object; throws {@link ArmException} when it is not one. */
    public ObjectNode readObject(byte[] body) {
        return RequestJson.readObject(reader, body);
    }

    /** Parses and validates a PUT body; throws {@link ArmException} on the first problem found. */
    public RunCommandRequest parse(byte[] body) {
        return parse(readObject(body));
    }

    /** Validates a definition as a JSON tree; throws {@link ArmException} on the first problem found. */
    public RunCommandRequest parse(ObjectNode root) {
        String location = location(root);
        ObjectNode properties = object(member(root, "properties"), "properties");
        ScriptSource source = SourceParser.parse(object(member(properties, "source"), "properties.source"));
        SourceParser.refuseIdentities(properties);
        List<Parameter> publicParameters = parameters.parse(member(properties, "parameters"),
                "properties.parameters");
        List<Parameter> protectedParameters = parameters.parse(member(properties, "protectedParameters"),
                "properties.protectedParameters");
        requireScriptParameter(source, publicParameters, protectedParameters);
        return new RunCommandRequest(location, tags(root), source, publicParameters, protectedParameters,
                runAs(properties), blobs(properties),
                RequestJson.bool(member(properties, "asyncExecution"), "properties.asyncExecution", false),
                RequestJson.integer(member(properties, "timeoutInSeconds"), "properties.timeoutInSeconds", 0,
                        MAX_TIMEOUT_SECONDS, 0),
                RequestJson.integer(member(properties, "deliveryTimeoutInSeconds"),
                        "properties.deliveryTimeoutInSeconds", 1, MAX_DELIVERY_TIMEOUT_SECONDS,
                        DEFAULT_DELIVERY_TIMEOUT_SECONDS),
                DependsOnParser.parse(member(properties, "dependsOn")));
    }

    private static String location(ObjectNode root) {
        String location = text(member(root, "location"), "location");
        if (location == null || location.isBlank()) {
            throw invalid("location", "a non-empty string is required");
        }
        return location;
    }

    private static Map<String, String> tags(ObjectNode root) {
        ObjectNode tags = object(member(root, "tags"), "tags");
        Map<String, String> result = new LinkedHashMap<>();
        if (tags != null) {
            tags.fields().forEachRemaining(e -> result.put(e.getKey(), tagValue(e.getKey(), e.getValue())));
        }
        return result;
    }

    private static String tagValue(String key, JsonNode value) {
        if (value == null || !value.isTextual()) {
            throw invalid("tags." + key, "expected a string");
        }
        return value.textValue();
    }

    /** RunShellScript and RunPowerShellScript run the value of the parameter named "script". */
    private static void requireScriptParameter(ScriptSource source, List<Parameter> publicParameters,
            List<Parameter> protectedParameters) {
        boolean needed = source.commandId() != null
                && CommandCatalog.find(source.commandId()).orElseThrow().needsScriptParameter();
        boolean given = publicParameters.stream().anyMatch(p -> CommandCatalog.SCRIPT_PARAMETER.equals(p.name()))
                || protectedParameters.stream().anyMatch(p -> CommandCatalog.SCRIPT_PARAMETER.equals(p.name()));
        if (needed && !given) {
            throw invalid("properties.parameters", "commandId " + source.commandId()
                    + " runs the value of a parameter named '" + CommandCatalog.SCRIPT_PARAMETER + "'; give one");
        }
    }

    private static RunAs runAs(ObjectNode properties) {
        String user = RequestJson.optionalText(member(properties, "runAsUser"), "properties.runAsUser");
        String password = RequestJson.optionalText(member(properties, "runAsPassword"), "properties.runAsPassword");
        if (user != null && (user.length() > MAX_USER_LENGTH || user.chars().anyMatch(Character::isISOControl))) {
            throw invalid("properties.runAsUser", "expected a user name of at most " + MAX_USER_LENGTH
                    + " characters without control characters");
        }
        if (password != null && user == null) {
            throw invalid("properties.runAsPassword", "a password needs properties.runAsUser");
        }
        return user == null ? RunAs.AGENT : new RunAs(user, password);
    }

    private static OutputBlobs blobs(ObjectNode properties) {
        return new OutputBlobs(RequestJson.httpUrl(member(properties, "outputBlobUri"), "properties.outputBlobUri"),
                RequestJson.httpUrl(member(properties, "errorBlobUri"), "properties.errorBlobUri"));
    }
}
