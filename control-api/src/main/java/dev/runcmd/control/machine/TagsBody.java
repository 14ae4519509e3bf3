package dev.runcmd.control.machine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.RequestJson;
import dev.runcmd.proto.tags.Tags;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of a machine PATCH or PUT: {@code {"tags":{"name":"value",...}}}, checked completely (Azure's tag rules,
 * {@link Tags}) before anything is written. Other members a client sends with a machine (location, properties) are
 * accepted and ignored: the agent reports them.
 */
final class TagsBody {

    private TagsBody() {
    }

    /** The tags of a body; 400 InvalidRequestContent naming what is wrong. */
    static Map<String, String> parse(ObjectReader reader, byte[] body) {
        ObjectNode root = RequestJson.readObject(reader, body);
        JsonNode tags = RequestJson.member(root, "tags");
        if (tags == null || tags.isNull()) {
            throw RequestJson.invalid("tags", "expected an object of tag names to string values");
        }
        ObjectNode object = RequestJson.object(tags, "tags");
        Map<String, String> parsed = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isTextual()) {
                throw RequestJson.invalid("tags." + field.getKey(), "expected a string value");
            }
            parsed.put(field.getKey(), field.getValue().asText());
        }
        try {
            Tags.validate(parsed);
        } catch (IllegalArgumentException bad) {
            throw RequestJson.invalid("tags", bad.getMessage());
        }
        return parsed;
    }
}
