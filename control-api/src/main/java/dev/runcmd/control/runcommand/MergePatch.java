package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Applies a PATCH body to a stored definition with JSON Merge Patch (RFC 7386): objects merge member by member,
 * {@code null} removes a member, anything else (arrays included) replaces it. Only {@code location}, {@code tags}
 * and {@code properties} of the body are applied; read-only members are ignored, as in a PUT.
 *
 * <p>One rule on top of RFC 7386: a source has exactly one kind, so a patch that names {@code script},
 * {@code scriptUri} or {@code commandId} replaces the stored source instead of adding a second kind to it.
 */
final class MergePatch {

    private static final List<String> APPLIED = List.of("location", "tags", "properties");
    private static final List<String> SOURCE_KINDS = List.of("script", "scriptUri", "commandId");

    private MergePatch() {
    }

    /** Merges {@code patch} into {@code target}, which it changes and returns. */
    static ObjectNode apply(ObjectNode target, ObjectNode patch) {
        replaceSourceKind(target, patch);
        for (String name : APPLIED) {
            if (patch.has(name)) {
                mergeMember(target, name, patch.get(name));
            }
        }
        return target;
    }

    /** RFC 7386 MergePatch(target, patch) for an object target. */
    static void merge(ObjectNode target, ObjectNode patch) {
        Iterator<Map.Entry<String, JsonNode>> members = patch.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            mergeMember(target, member.getKey(), member.getValue());
        }
    }

    private static void mergeMember(ObjectNode target, String name, JsonNode value) {
        if (value.isNull()) {
            target.remove(name);
        } else if (value.isObject()) {
            JsonNode current = target.get(name);
            ObjectNode merged = current != null && current.isObject() ? (ObjectNode) current : target.putObject(name);
            merge(merged, (ObjectNode) value);
        } else {
            target.set(name, value.deepCopy());
        }
    }

    private static void replaceSourceKind(ObjectNode target, ObjectNode patch) {
        JsonNode source = patch.path("properties").path("source");
        JsonNode stored = target.path("properties").path("source");
        boolean namesKind = source.isObject() && SOURCE_KINDS.stream().anyMatch(k -> source.hasNonNull(k));
        if (namesKind && stored.isObject()) {
            ((ObjectNode) stored).remove(SOURCE_KINDS);
        }
    }
}
