package dev.runcmd.control.runcommand;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** JSON Merge Patch (RFC 7386) of PATCH bodies into stored definitions, with the one-source-kind rule. */
class MergePatchTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void objectsMergeNullRemovesArraysReplace() throws Exception {
        ObjectNode merged = MergePatch.apply(json("""
                {"location":"eastus","tags":{"a":"1","b":"2"},
                 "properties":{"timeoutInSeconds":60,"parameters":[{"name":"A","value":"1"}],"runAsUser":"svc"}}"""),
                json("""
                {"tags":{"b":null,"c":"3"},"properties":{"parameters":[],"runAsUser":null},"id":"ignored"}"""));

        assertEquals(json("""
                {"location":"eastus","tags":{"a":"1","c":"3"},"properties":{"timeoutInSeconds":60,"parameters":[]}}"""),
                merged);
    }

    @Test
    void namingASourceKindReplacesTheStoredSource() throws Exception {
        ObjectNode stored = json("{\"properties\":{\"source\":{\"script\":\"echo\"}}}");

        MergePatch.apply(stored, json("{\"properties\":{\"source\":{\"commandId\":\"Uptime\"}}}"));

        assertEquals(json("{\"properties\":{\"source\":{\"commandId\":\"Uptime\"}}}"), stored);
    }

    @Test
    void patchWithoutASourceKindKeepsTheSource() throws Exception {
        ObjectNode stored = json("{\"properties\":{\"source\":{\"script\":\"echo\"}}}");

        MergePatch.apply(stored, json("{\"properties\":{\"source\":{}},\"tags\":{\"x\":\"y\"}}"));

        assertEquals(json("{\"properties\":{\"source\":{\"script\":\"echo\"}},\"tags\":{\"x\":\"y\"}}"), stored);
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) MAPPER.readTree(text);
    }
}
