package dev.runcmd.control.machine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A machine's tags: those set through the API ({@code machine.tags}) and those its agent reports
 * ({@code machine.agent_tags}), stored as JSON objects of strings. The resource shows them merged, the API's value
 * winning on a name both have.
 */
public final class MachineTags {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    private MachineTags() {
    }

    /** The tags stored as JSON text ({} for null). */
    public static Map<String, String> read(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException corrupt) {
            throw new IllegalStateException("a machine's tags column is not a JSON object of strings: " + json, corrupt);
        }
    }

    /** The JSON text of tags. */
    public static String write(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(tags));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The tags a machine shows: the agent's, overlaid by the API's. */
    public static Map<String, String> merged(MachineEntity machine) {
        Map<String, String> merged = new LinkedHashMap<>(new TreeMap<>(read(machine.agentTagsJson)));
        merged.putAll(read(machine.tagsJson));
        return new TreeMap<>(merged);
    }
}
