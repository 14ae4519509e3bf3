package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints API answers as JSON or as a table; {@link Output} chooses between the formats. */
final class Printer {

    private Printer() {
    }

    /** Prints pretty JSON (for the commands that choose no other format). */
    static void json(PrintStream out, JsonNode node) {
        out.println(Formats.json(node));
    }

    /** Prints rows under headers, each column as wide as its widest cell. */
    static void table(PrintStream out, List<String> headers, List<List<String>> rows) {
        Table table = new Table(out, headers, Integer.MAX_VALUE);
        rows.forEach(table::add);
        table.finish();
    }

    /**
     * A table printed as its rows arrive: the columns are measured on the header and the first {@code measured}
     * rows, which are held until then; later rows are printed at once (a wider cell shifts its line only).
     * Confined to one thread.
     */
    static final class Table {
        private final PrintStream out;
        private final List<String> headers;
        private final int measured;
        private final List<List<String>> held = new ArrayList<>();
        private List<Integer> widths; // null until the columns are measured

        Table(PrintStream out, List<String> headers, int measured) {
            this.out = out;
            this.headers = headers;
            this.measured = measured;
        }

        void add(List<String> row) {
            if (widths != null) {
                out.println(line(row, widths));
                return;
            }
            held.add(row);
            if (held.size() >= measured) {
                flush();
            }
        }

        /** Prints what is held (at least the header). */
        void finish() {
            if (widths == null) {
                flush();
            }
            out.flush();
        }

        private void flush() {
            widths = new ArrayList<>();
            for (int c = 0; c < headers.size(); c++) {
                int width = headers.get(c).length();
                for (List<String> row : held) {
                    width = Math.max(width, row.get(c).length());
                }
                widths.add(width);
            }
            out.println(line(headers, widths));
            held.forEach(row -> out.println(line(row, widths)));
            held.clear();
        }
    }

    private static String line(List<String> cells, List<Integer> widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            line.append(cell);
            if (c < cells.size() - 1) {
                line.append(" ".repeat(Math.max(0, widths.get(c) - cell.length()) + 2));
            }
        }
        return line.toString().stripTrailing();
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? "" : node.asText();
    }
}
