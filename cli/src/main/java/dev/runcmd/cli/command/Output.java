package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runcmd.cli.http.Pages;
import io.burt.jmespath.Expression;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * What a command prints on stdout: its result, narrowed by {@code --query} (JMESPath, applied to the JSON the API
 * answered, as az does) and written in the {@code --output} format. Messages for people go to stderr, never here.
 */
final class Output {

    /** How many rows a table measures its columns on before it prints; later rows are printed as they come. */
    static final int MEASURED_ROWS = 1000;

    private final ClientOptions.OutputFormat format;
    private final Expression<JsonNode> query;
    private final PrintStream out;
    private final boolean terminal;

    /** {@code query} may be null; {@code terminal} says whether {@code out} is a terminal (for jsonc's colors). */
    Output(ClientOptions.OutputFormat format, Expression<JsonNode> query, PrintStream out, boolean terminal) {
        this.format = format;
        this.query = query;
        this.out = out;
        this.terminal = terminal;
    }

    /** The output on this process's stdout. */
    static Output of(ClientOptions.OutputFormat format, Expression<JsonNode> query) {
        return new Output(format, query, System.out, System.console() != null);
    }

    /** A list's items, visited in order; the visitor answers false to stop. */
    @FunctionalInterface
    interface Source {
        void forEach(Pages.Visitor visitor) throws Exception;
    }

    /**
     * Whether the command prints its own table (and its messages for people): the table format without a query.
     * Otherwise it hands its result to {@link #print}.
     */
    boolean tabular() {
        return format == ClientOptions.OutputFormat.table && query == null;
    }

    /** Prints {@code result} after the query; a table shows the query's result in generic columns, as az does. */
    void print(JsonNode result) {
        JsonNode shown = query == null ? result : query.search(result);
        switch (format) {
            case json -> out.println(Formats.json(shown));
            case jsonc -> out.println(terminal ? Formats.coloredJson(shown) : Formats.json(shown));
            case yaml -> out.print(Formats.yaml(shown));
            case tsv -> Formats.tsv(shown).forEach(out::println);
            case table -> Formats.genericTable(out, shown);
            case none -> {
            }
        }
        out.flush();
    }

    /**
     * Prints the first {@code top} items of {@code source} (all when null). Tables and TSV without a query are printed
     * while the pages arrive, so a long list is never held whole; JSON, YAML and any query need the whole array, which
     * the query sees as az's does.
     */
    void list(Source source, Integer top, List<String> headers, Function<JsonNode, List<String>> row) throws Exception {
        Source items = top == null ? source : limited(source, top);
        if (tabular()) {
            Printer.Table table = new Printer.Table(out, headers, MEASURED_ROWS);
            items.forEach(item -> {
                table.add(row.apply(item));
                return true;
            });
            table.finish();
        } else if (query == null && format == ClientOptions.OutputFormat.tsv) {
            items.forEach(item -> {
                out.println(Formats.tsvRow(item));
                return true;
            });
        } else if (query == null && format == ClientOptions.OutputFormat.none) {
            items.forEach(item -> true);
        } else {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            items.forEach(item -> {
                all.add(item);
                return true;
            });
            print(all);
        }
        out.flush();
    }

    private static Source limited(Source source, int top) {
        return visitor -> {
            int[] seen = {0};
            source.forEach(item -> {
                seen[0]++;
                return visitor.visit(item) && seen[0] < top;
            });
        };
    }
}
