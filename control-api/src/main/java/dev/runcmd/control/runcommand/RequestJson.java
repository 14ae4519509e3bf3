package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Typed access to a parsed request body. Every failure is a 400 InvalidRequestContent that names the JSON path
 * and what was expected there, and never repeats the value found (it may be a secret).
 */
final class RequestJson {

    private RequestJson() {
    }

    /** The member, or null when it is absent or JSON null (both mean "not given"). */
    static JsonNode member(ObjectNode parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }

    /** The node as an object, or null when absent. */
    static ObjectNode object(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid(path, "expected an object");
        }
        return (ObjectNode) node;
    }

    /** The node as text, or null when absent. */
    static String text(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path, "expected a string");
        }
        return node.textValue();
    }

    /** The node as text, or null when absent or empty (Azure clients send "" for "not set"). */
    static String optionalText(JsonNode node, String path) {
        String text = text(node, path);
        return text == null || text.isEmpty() ? null : text;
    }

    /**
     * The node as an absolute http or https URL with a host, or null when absent or empty. The message never
     * repeats the URL, which may carry a SAS token.
     */
    static String httpUrl(JsonNode node, String path) {
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
    static boolean bool(JsonNode node, String path, boolean fallback) {
        if (node == null) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw invalid(path, "expected a boolean");
        }
        return node.booleanValue();
    }

    /** The node as an integer within [min, max], or the fallback when absent. */
    static int integer(JsonNode node, String path, int min, int max, int fallback) {
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
    static ArmException invalid(String path, String problem) {
        return ArmException.invalidContent("Invalid request content at '" + path + "': " + problem + ".");
    }
}
