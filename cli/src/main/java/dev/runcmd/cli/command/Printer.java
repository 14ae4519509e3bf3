package dev.runcmd.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints API answers as JSON or as a table. */
final class Printer {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Printer() {
    }

    static void json(PrintStream out, JsonNode node) {
        try {
            out.println(JSON.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints rows under headers, each column as wide as its widest cell. */
    static void table(PrintStream out, List<String> headers, List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (int c = 0; c < headers.size(); c++) {
            int width = headers.get(c).length();
            for (List<String> row : rows) {
                width = Math.max(width, row.get(c).length());
            }
            widths.add(width);
        }
        out.println(line(headers, widths));
        for (List<String> row : rows) {
            out.println(line(row, widths));
        }
    }

    private static String line(List<String> cells, List<Integer> widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            line.append(cell);
            if (c < cells.size() - 1) {
                line.append(" ".repeat(widths.get(c) - cell.length() + 2));
            }
        }
        return line.toString().stripTrailing();
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? "" : node.asText();
    }
}
