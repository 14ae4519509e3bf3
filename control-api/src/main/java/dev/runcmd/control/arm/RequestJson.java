package dev.runcmd.control.arm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Reading a request body into a JSON tree, and typed access to it. Every failure is a 400 InvalidRequestContent
 * that names the JSON path and what was expected there, and never repeats the value found (it may be a secret).
 */
public final class RequestJson {

    private RequestJson() {
    }

    /** A reader that refuses trailing tokens and duplicate members, for {@link #readObject}. */
    public static ObjectReader strictReader(ObjectMapper mapper) {
        return mapper.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Parses a body into a JSON object; throws {@link ArmException} when it is not one. */
    public static ObjectNode readObject(ObjectReader reader, byte[] body) {
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

    /** The member, or null when it is absent or JSON null (both mean "not given"). */
    public static JsonNode member(ObjectNode parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }

    /** The node as an object, or null when absent. */
    public static ObjectNode object(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid(path, "expected an object");
        }
        return (ObjectNode) node;
    }

    /** The node as text, or null when absent. */
    public static String text(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path, "expected a string");
        }
        return node.textValue();
    }

    /** The node as text, or null when absent or empty (Azure clients send "" for "not set"). */
    public static String optionalText(JsonNode node, String path) {
        String text = text(node, path);
        return text == null || text.isEmpty() ? null : text;
    }

    /**
     * The node as an absolute http or https URL with a host, or null when absent or empty. The message never
     * repeats the URL, which may carry a SAS token.
     */
    public static String httpUrl(JsonNode node, String path) {
        String text = optionalText(node, path);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return text;
            }
        } catch (URISyntaxException e) {
            // Answered below, without the URL.
        }
        throw invalid(path, "expected an absolute http or https URL");
    }

    /** The node as a boolean, or the fallback when absent. */
    public static boolean bool(JsonNode node, String path, boolean fallback) {
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw invalid(path, "expected a boolean");
        }
        return node.booleanValue();
    }

    /** The node as an integer within [min, max], or the fallback when absent. */
    public static int integer(JsonNode node, String path, int min, int max, int fallback) {
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid(path, "expected an integer from " + min + " to " + max);
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw invalid(path, "expected an integer from " + min + " to " + max);
        }
        return value;
    }

    /** A 400 InvalidRequestContent naming the path and the problem there. */
    public static ArmException invalid(String path, String problem) {
        return ArmException.invalidContent("Invalid request content at '" + path + "': " + problem + ".");
    }
}
