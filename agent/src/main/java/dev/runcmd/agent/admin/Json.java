package dev.runcmd.agent.admin;

import dev.runcmd.agent.logging.JsonFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON of {@code show -o json} and {@code check -o json}: objects (maps, in their order), arrays, strings,
 * numbers, booleans and null. Hand-written because the agent carries no JSON library and needs only this.
 */
final class Json {
    private Json() {}

    /** {@code value} as indented JSON. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String inner = indent + "  ";
            String separator = "\n";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(separator).append(inner);
                string(String.valueOf(entry.getKey()), out);
                out.append(": ");
                write(entry.getValue(), out, inner);
                separator = ",\n";
            }
            out.append(map.isEmpty() ? "}" : "\n" + indent + "}");
        } else if (value instanceof List<?> list) {
            out.append('[');
            String inner = indent + "  ";
            String separator = "\n";
            for (Object item : list) {
                out.append(separator).append(inner);
                write(item, out, inner);
                separator = ",\n";
            }
            out.append(list.isEmpty() ? "]" : "\n" + indent + "]");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(value.toString(), out);
        }
    }

    private static void string(String text, StringBuilder out) {
        JsonFormatter.string(out, text); // the agent's one JSON string escaper
    }
}
