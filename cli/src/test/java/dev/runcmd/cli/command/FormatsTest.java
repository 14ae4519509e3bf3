package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --output renderings of a JSON result, as az prints them. */
class FormatsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void tsvPrintsALinePerItemWithNestedObjectsEmptyAndArraysAsTheirLength() throws Exception {
        JsonNode list = json("""
                [{"name":"a","properties":{"x":1},"tags":[1,2,3],"exit":0,"ok":true,"gone":null},
                 {"name":"b","properties":{},"tags":[],"exit":3,"ok":false,"gone":null}]""");

        assertEquals(List.of("a\t\t3\t0\tTrue\tNone", "b\t\t0\t3\tFalse\tNone"), Formats.tsv(list));
    }

    @Test
    void tsvOfScalarsIsOneValuePerLine() throws Exception {
        assertEquals(List.of("web-1", "web-2"), Formats.tsv(json("[\"web-1\",\"web-2\"]")));
        assertEquals(List.of("3"), Formats.tsv(json("3")));
        assertEquals(List.of("true"), Formats.tsv(json("true")));
    }

    @Test
    void yamlHasNoDocumentMarkerAndPlainStrings() throws Exception {
        assertEquals("""
                name: hello
                properties:
                  instanceView:
                    exitCode: 3
                tags:
                - a
                """, Formats.yaml(json("{\"name\":\"hello\",\"properties\":{\"instanceView\":{\"exitCode\":3}},\"tags\":[\"a\"]}")));
    }

    @Test
    void coloredJsonIsTheSameJsonOnceItsColorsAreRemoved() throws Exception {
        JsonNode node = json("{\"name\":\"a \\\"q\\\"\",\"n\":1,\"ok\":true,\"none\":null,\"list\":[1,{\"k\":\"v\"}],\"empty\":{}}");

        String colored = Formats.coloredJson(node);

        assertTrue(colored.contains("\u001b[32m\"a \\\"q\\\"\"\u001b[0m"), colored);
        assertEquals(node, JSON.readTree(colored.replaceAll("\u001b\\[[0-9;]*m", "")));
    }

    @Test
    void aQueryResultTableHasTheScalarFieldsAsCapitalizedHeaders() throws Exception {
        assertEquals("""
                Name  Exit
                a     0
                bb    3
                """, table(json("[{\"name\":\"a\",\"exit\":0,\"nested\":{}},{\"name\":\"bb\",\"exit\":3}]")));
        assertEquals("""
                Result
                web-1
                """, table(json("[\"web-1\"]")));
    }

    @Test
    void aStreamedTableMeasuresItsFirstRowsAndPrintsLaterOnesAsTheyCome() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Printer.Table table = new Printer.Table(out, List.of("NAME", "STATE"), 2);

        table.add(List.of("a", "Running"));
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "held until two rows are measured");
        table.add(List.of("bb", "Failed"));
        table.add(List.of("a-much-longer-name", "Succeeded"));
        table.finish();

        assertEquals("""
                NAME  STATE
                a     Running
                bb    Failed
                a-much-longer-name  Succeeded
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    private static String table(JsonNode node) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Formats.genericTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), node);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
