package dev.runcmd.control.runcommand;

import static dev.runcmd.control.runcommand.RequestJson.invalid;
import static dev.runcmd.control.runcommand.RequestJson.member;
import static dev.runcmd.control.runcommand.RequestJson.object;
import static dev.runcmd.control.runcommand.RequestJson.text;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the raw bytes of a PUT body into a {@link RunCommandRequest}, or throws 400 InvalidRequestContent with a
 * message that names the offending JSON path. The body is parsed by hand into a tree so that every error is
 * precise; unknown and read-only members (id, provisioningState, instanceView, ...) are ignored, so a GET
 * response may be sent back as a PUT body.
 */
@ApplicationScoped
public class RunCommandRequestParser {

    /** The longest timeout accepted: two days. */
    public static final int MAX_TIMEOUT_SECONDS = 172_800;

    /** Members that are valid Azure input but not implemented yet; refused explicitly, never ignored. */
    private static final List<String> UNSUPPORTED_PROPERTIES = List.of("runAsUser", "runAsPassword",
            "outputBlobUri", "errorBlobUri", "outputBlobManagedIdentity", "errorBlobManagedIdentity");

    private final ObjectReader reader;
    private final ParameterListParser parameters = new ParameterListParser();

    RunCommandRequestParser(ObjectMapper mapper) {
        this.reader = mapper.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Parses and validates a PUT body; throws {@link ArmException} on the first problem found. */
    public RunCommandRequest parse(byte[] body) {
        ObjectNode root = readObject(body);
        String location = location(root);
        ObjectNode properties = object(member(root, "properties"), "properties");
        String script = script(object(member(properties, "source"), "properties.source"));
        rejectUnsupported(properties);
        return new RunCommandRequest(location, tags(root), script,
                parameters.parse(member(properties, "parameters"), "properties.parameters"),
                parameters.parse(member(properties, "protectedParameters"), "properties.protectedParameters"),
                RequestJson.bool(member(properties, "asyncExecution"), "properties.asyncExecution", false),
                RequestJson.integer(member(properties, "timeoutInSeconds"), "properties.timeoutInSeconds", 0,
                        MAX_TIMEOUT_SECONDS, 0));
    }

    private ObjectNode readObject(byte[] body) {
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (JsonProcessingException e) {
            throw ArmException.invalidContent("The request content is not valid JSON: " + e.getOriginalMessage()
                    + location(e) + ".");
        } catch (IOException e) {
            throw ArmException.invalidContent("The request content could not be read.");
        }
        if (root == null || root.isMissingNode()) {
            throw ArmException.invalidContent("The request content is empty; a JSON object is required.");
        }
        if (!root.isObject()) {
            throw ArmException.invalidContent("The request content must be a JSON object.");
        }
        return (ObjectNode) root;
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
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

    /** Requires exactly one source; only an inline script is supported so far. */
    private static String script(ObjectNode source) {
        JsonNode script = member(source, "script");
        int given = (script == null ? 0 : 1) + (member(source, "scriptUri") == null ? 0 : 1)
                + (member(source, "commandId") == null ? 0 : 1);
        if (given != 1) {
            throw invalid("properties.source",
                    "exactly one of source.script, source.scriptUri, source.commandId is required");
        }
        for (String unsupported : List.of("scriptUri", "commandId", "scriptUriManagedIdentity")) {
            if (member(source, unsupported) != null) {
                throw notSupported("properties.source." + unsupported);
            }
        }
        return text(script, "properties.source.script");
    }

    private static void rejectUnsupported(ObjectNode properties) {
        for (String name : UNSUPPORTED_PROPERTIES) {
            JsonNode value = member(properties, name);
            boolean emptyText = value != null && value.isTextual() && value.textValue().isEmpty();
            if (value != null && !emptyText) {
                throw notSupported("properties." + name);
            }
        }
    }

    private static ArmException notSupported(String path) {
        return ArmException.invalidContent(path + " is not supported yet.");
    }
}
