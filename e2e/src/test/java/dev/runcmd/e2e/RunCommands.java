package dev.runcmd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Set;

/** Builds run command bodies and observes run commands through the REST API. */
final class RunCommands {

    static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "TimedOut", "Canceled");

    private RunCommands() {
    }

    /** A PUT body with an inline script. */
    static ObjectNode body(String script) {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("location", "e2e");
        body.putObject("properties").putObject("source").put("script", script);
        return body;
    }

    static ObjectNode withTimeout(ObjectNode body, int seconds) {
        ((ObjectNode) body.get("properties")).put("timeoutInSeconds", seconds);
        return body;
    }

    static ArrayNode parameters(ObjectNode body, String field) {
        return ((ObjectNode) body.get("properties")).putArray(field);
    }

    static JsonNode instanceView(JsonNode runCommand) {
        return runCommand.path("properties").path("instanceView");
    }

    /** Polls GET until the execution state is terminal; answers the last GET body. */
    static JsonNode awaitTerminal(Api api, String machine, String name, Duration timeout) {
        return Waits.forValue(timeout, name + " to end", () -> {
            Api.Answer answer = api.get(api.runCommand(machine, name));
            if (answer.status() != 200) {
                throw new AssertionError("GET " + name + " answered " + answer.status() + ": " + answer.text());
            }
            JsonNode body = answer.json();
            return TERMINAL.contains(instanceView(body).path("executionState").asText()) ? body : null;
        });
    }

    /** Whether any process on this machine has {@code marker} in its command line. */
    static boolean processRunning(String marker) {
        return ProcessHandle.allProcesses()
                .anyMatch(process -> process.info().commandLine().map(line -> line.contains(marker)).orElse(false));
    }
}
