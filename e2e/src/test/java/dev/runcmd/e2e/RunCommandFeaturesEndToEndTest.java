package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bash for scripts without "#!", scriptUri, runAsUser, cancel, dependsOn and the concurrency limit through the real
 * processes.
 */
class RunCommandFeaturesEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static Api api;
    private static HttpServer scripts;

    @BeforeAll
    static void start() throws Exception {
        api = Stack.get().api();
        scripts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        scripts.createContext("/good.sh", exchange -> {
            byte[] body = "\uFEFFecho \"downloaded $1\"\r\nexit 0\r\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        scripts.createContext("/slow.sh", exchange -> {
            try {
                Thread.sleep(70_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        scripts.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        scripts.start();
    }

    @AfterAll
    static void stop() {
        scripts.stop(0);
    }

    private static String scriptUrl(String path) {
        return "http://127.0.0.1:" + scripts.getAddress().getPort() + path;
    }

    private static ObjectNode uriBody(String uri) {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("location", "e2e");
        ObjectNode properties = body.putObject("properties");
        properties.putObject("source").put("scriptUri", uri);
        properties.putArray("parameters").addObject().put("name", "").put("value", "ok");
        return body;
    }

    /** A script without "#!" runs with bash, as under Azure's Linux handler: bash-only syntax works unchanged. */
    @Test
    void scriptWithoutShebangRunsWithBash() {
        String script = "names=(a b c); [[ ${#names[@]} -eq 3 ]] && v=\"x-y-z\"; echo \"${v//-/+}\"; "
                + "cat <(echo \"${names[1]}\")";
        api.put(api.runCommand(MACHINE, "bash-only"), body(script).toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "bash-only", Duration.ofSeconds(30)));
        assertEquals("Succeeded", view.path("executionState").asText(), view.toString());
        assertEquals("x+y+z\nb\n", view.path("output").asText());
    }

    @Test
    void scriptUriIsDownloadedWithBomAndCrlfCleaned() {
        api.put(api.runCommand(MACHINE, "uri-good"), uriBody(scriptUrl("/good.sh") + "?sig=secret-sas").toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "uri-good", Duration.ofSeconds(30)));
        assertEquals("Succeeded", view.path("executionState").asText(), view.toString());
        assertEquals("downloaded ok\n", view.path("output").asText());
    }

    @Test
    void scriptUriThatIsMissingFailsSayingWhyWithoutTheQuery() {
        api.put(api.runCommand(MACHINE, "uri-404"), uriBody(scriptUrl("/missing.sh") + "?sig=secret-sas").toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "uri-404", Duration.ofSeconds(30)));
        assertEquals("Failed", view.path("executionState").asText());
        String message = view.path("executionMessage").asText();
        assertTrue(message.contains("404") && message.contains("/missing.sh"), message);
        assertFalse(message.contains("secret-sas"), message);
    }

    @Test
    void scriptUriThatIsTooSlowFails() {
        api.put(api.runCommand(MACHINE, "uri-slow"), uriBody(scriptUrl("/slow.sh")).toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "uri-slow", Duration.ofSeconds(90)));
        assertEquals("Failed", view.path("executionState").asText());
        assertTrue(view.path("executionMessage").asText().contains("/slow.sh"), view.toString());
    }

    @Test
    void runAsUserRunsTheScriptAsThatUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "runAsUser needs the agent to run as root");
        String user = "runcmde2e";
        Process add = new ProcessBuilder("sh", "-c", "id " + user + " >/dev/null 2>&1 || useradd --no-create-home " + user)
                .inheritIO().start();
        assertTrue(add.waitFor(30, TimeUnit.SECONDS) && add.exitValue() == 0, "could not create user " + user);
        ObjectNode body = body("id -un");
        ((ObjectNode) body.get("properties")).put("runAsUser", user).put("runAsPassword", "not-used-on-linux");
        api.put(api.runCommand(MACHINE, "runas"), body.toString());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "runas", Duration.ofSeconds(30)));
        assertEquals(user + "\n", view.path("output").asText(), view.toString());

        ObjectNode unknown = body("id -un");
        ((ObjectNode) unknown.get("properties")).put("runAsUser", "no-such-user-xyz");
        api.put(api.runCommand(MACHINE, "runas-unknown"), unknown.toString());
        JsonNode failed = instanceView(awaitTerminal(api, MACHINE, "runas-unknown", Duration.ofSeconds(30)));
        assertEquals("Failed", failed.path("executionState").asText());
        assertTrue(failed.path("executionMessage").asText().contains("no-such-user-xyz"), failed.toString());
    }

    @Test
    void cancelEndsTheWholeProcessTreeAndKeepsTheOutput() {
        api.put(api.runCommand(MACHINE, "tree"), body("echo begun; sleep 3611 & (sleep 3612 &); sleep 3613").toString());
        Waits.until(Duration.ofSeconds(20), "the tree", () -> RunCommands.processRunning("sleep 3613"));
        Api.Answer cancel = api.raw("POST", Api.versioned(api.runCommand(MACHINE, "tree") + "/cancel"), null);
        assertEquals(200, cancel.status(), cancel.text());
        JsonNode view = instanceView(awaitTerminal(api, MACHINE, "tree", Duration.ofSeconds(30)));
        assertEquals("Canceled", view.path("executionState").asText());
        assertEquals("begun\n", view.path("output").asText());
        Waits.until(Duration.ofSeconds(15), "every process of the tree to end", () -> !RunCommands.processRunning("sleep 361"));
        Api.Answer again = api.raw("POST", Api.versioned(api.runCommand(MACHINE, "tree") + "/cancel"), null);
        assertFalse(again.json().path("canceled").asBoolean(), again.text());
    }

    @Test
    void dependsOnRunsInOrderAndCancelsAfterAFailureAndRefusesCycles() {
        api.put(api.runCommand(MACHINE, "dep-first"), body("sleep 1; echo first").toString());
        api.put(api.runCommand(MACHINE, "dep-second"), dependsOn(body("echo second"), "dep-first").toString());
        JsonNode waiting = instanceView(api.get(api.runCommand(MACHINE, "dep-second")).json());
        assertEquals("Pending", waiting.path("executionState").asText());
        assertTrue(waiting.path("executionMessage").asText().contains("dep-first"), waiting.toString());
        JsonNode first = instanceView(awaitTerminal(api, MACHINE, "dep-first", Duration.ofSeconds(30)));
        JsonNode second = instanceView(awaitTerminal(api, MACHINE, "dep-second", Duration.ofSeconds(30)));
        assertEquals("Succeeded", second.path("executionState").asText());
        assertFalse(java.time.Instant.parse(second.path("startTime").asText())
                .isBefore(java.time.Instant.parse(first.path("endTime").asText())), "second started before first ended");

        api.put(api.runCommand(MACHINE, "dep-fails"), body("sleep 1; exit 4").toString());
        api.put(api.runCommand(MACHINE, "dep-after"), dependsOn(body("echo never"), "dep-fails").toString());
        api.put(api.runCommand(MACHINE, "dep-after2"), dependsOn(body("echo never"), "dep-after").toString());
        JsonNode canceled = instanceView(awaitTerminal(api, MACHINE, "dep-after2", Duration.ofSeconds(30)));
        assertEquals("Canceled", canceled.path("executionState").asText());
        assertEquals("", canceled.path("output").asText());
        assertEquals("Canceled", instanceView(awaitTerminal(api, MACHINE, "dep-after", Duration.ofSeconds(30)))
                .path("executionState").asText());

        Api.Answer cycle = api.put(api.runCommand(MACHINE, "dep-first"), dependsOn(body("true"), "dep-second").toString());
        assertEquals(400, cycle.status(), cycle.text());
        assertEquals("InvalidRequestContent", cycle.errorCode());
    }

    @Test
    void anAgentRunsAtMostFiveAtOnceAndTheSixthWaitsItsTurn() throws Exception {
        String machine = "e2e-slots";
        dev.runcmd.cli.local.ComponentProcess agent = Stack.get().startAgent(machine, Stack.get().gatewayPort());
        try {
            Stack.get().awaitStatus(machine, "Connected");
            for (int i = 1; i <= 6; i++) {
                api.put(api.runCommand(machine, "slot-" + i), body("sleep 3; echo done " + i).toString());
            }
            Waits.until(Duration.ofSeconds(20), "five to run and one to wait", () -> {
                int running = 0;
                int waiting = 0;
                for (int i = 1; i <= 6; i++) {
                    JsonNode view = instanceView(api.get(api.runCommand(machine, "slot-" + i)).json());
                    String state = view.path("executionState").asText();
                    running += "Running".equals(state) ? 1 : 0;
                    waiting += "Pending".equals(state) && view.path("executionMessage").asText().contains("free slot") ? 1 : 0;
                }
                return running == 5 && waiting == 1;
            });
            for (int i = 1; i <= 6; i++) {
                assertEquals("Succeeded", instanceView(awaitTerminal(api, machine, "slot-" + i, Duration.ofSeconds(30)))
                        .path("executionState").asText());
            }
        } finally {
            agent.stop(Duration.ofSeconds(10));
        }
    }

    private static ObjectNode dependsOn(ObjectNode body, String... names) {
        ((ObjectNode) body.get("properties")).putArray("dependsOn").addAll(
                List.of(names).stream().map(name -> Api.JSON.getNodeFactory().textNode(name)).toList());
        return body;
    }
}
