package dev.runcmd.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The renderings of a JSON result behind {@code --output}: JSON, colored JSON, YAML, TSV and a generic table. */
final class Formats {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private static final String KEY = "\u001b[94m";
    private static final String STRING = "\u001b[32m";
    private static final String LITERAL = "\u001b[36m";
    private static final String RESET = "\u001b[0m";

    private Formats() {
    }

    /** Pretty-printed JSON. */
    static String json(JsonNode node) {
        return write(JSON, node);
    }

    /** Pretty-printed JSON with ANSI colors for keys, strings and other values (az's jsonc on a terminal). */
    static String coloredJson(JsonNode node) {
        StringBuilder text = new StringBuilder();
        colored(text, node, "");
        return text.toString();
    }

    /** YAML, without a document start marker. */
    static String yaml(JsonNode node) {
        return write(YAML, node);
    }

    /**
     * az's TSV: one line per item of a list (one line for anything else), holding the values of an object's fields in
     * their order, tab-separated, without headers. As az prints them, a nested object is an empty field, a nested
     * array its length, and inside a line null, true and false are None, True and False.
     */
    static List<String> tsv(JsonNode node) {
        List<String> lines = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> lines.add(tsvRow(item)));
        } else {
            lines.add(tsvRow(node));
        }
        return lines;
    }

    /** One TSV line: an object's or array's values, or a lone value. */
    static String tsvRow(JsonNode row) {
        if (!row.isContainerNode()) {
            return row.isBoolean() ? row.asText() : tsvField(row);
        }
        List<String> fields = new ArrayList<>();
        row.elements().forEachRemaining(value -> fields.add(tsvField(value)));
        return String.join("\t", fields);
    }

    private static String tsvField(JsonNode value) {
        if (value.isObject()) {
            return "";
        }
        if (value.isArray()) {
            return Integer.toString(value.size());
        }
        if (value.isNull() || value.isMissingNode()) {
            return "None";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "True" : "False";
        }
        return value.asText();
    }

    /**
     * A query's result as a table, as az shows one: objects as rows under their scalar fields (headers capitalized,
     * in first-seen order; nested values left out), other values in a single "Result" column.
     */
    static void genericTable(PrintStream out, JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isNull() && !node.isMissingNode()) {
            items.add(node);
        }
        Set<String> fields = new LinkedHashSet<>();
        boolean objects = !items.isEmpty() && items.stream().allMatch(JsonNode::isObject);
        if (objects) {
            for (JsonNode item : items) {
                item.fields().forEachRemaining(field -> {
                    if (field.getValue().isValueNode()) {
                        fields.add(field.getKey());
                    }
                });
            }
        }
        List<String> headers = objects ? fields.stream().map(Formats::capitalized).toList() : List.of("Result");
        Printer.Table table = new Printer.Table(out, headers, Integer.MAX_VALUE);
        for (JsonNode item : items) {
            table.add(objects ? fields.stream().map(field -> Printer.text(item.get(field))).toList()
                    : List.of(item.isValueNode() ? Printer.text(item) : write(COMPACT, item)));
        }
        table.finish();
    }

    private static String capitalized(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static void colored(StringBuilder text, JsonNode node, String indent) {
        if (node.isObject() && !node.isEmpty()) {
            text.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                text.append(indent).append("  ").append(KEY).append(write(COMPACT, COMPACT.getNodeFactory()
                        .textNode(field.getKey()))).append(RESET).append(": ");
                colored(text, field.getValue(), indent + "  ");
                text.append(fields.hasNext() ? ",\n" : "\n");
            }
            text.append(indent).append('}');
        } else if (node.isArray() && !node.isEmpty()) {
            text.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                text.append(indent).append("  ");
                colored(text, node.get(i), indent + "  ");
                text.append(i < node.size() - 1 ? ",\n" : "\n");
            }
            text.append(indent).append(']');
        } else {
            text.append(node.isTextual() ? STRING : node.isContainerNode() ? "" : LITERAL)
                    .append(write(COMPACT, node)).append(node.isContainerNode() ? "" : RESET);
        }
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
