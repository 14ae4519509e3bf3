package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the jsonb columns ({@code tags}, {@code parameters}, {@code depends_on}) to and from their
 * Java shapes. The entities keep these columns as JSON text.
 */
final class JsonColumns {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<Parameter>> PARAMETERS = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> TAGS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };

    private JsonColumns() {
    }

    /** The JSON text of a parameter list, in request order. */
    static String writeParameters(List<Parameter> parameters) {
        return write(parameters);
    }

    /** The parameter list stored as JSON text. */
    static List<Parameter> readParameters(String json) {
        return read(json, PARAMETERS);
    }

    /** The JSON text of a tag map. */
    static String writeTags(Map<String, String> tags) {
        return write(tags);
    }

    /** The tag map stored as JSON text. */
    static Map<String, String> readTags(String json) {
        return read(json, TAGS);
    }

    /** The JSON text of a list of names ({@code depends_on}). */
    static String writeNames(List<String> names) {
        return write(names);
    }

    /** The list of names stored as JSON text; empty for null. */
    static List<String> readNames(String json) {
        return json == null ? List.of() : read(json, NAMES);
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a jsonb column", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            // The message names the column shape only; the stored text may hold protected values.
            throw new IllegalStateException("Cannot read a jsonb column as " + type.getType().getTypeName());
        }
    }
}
