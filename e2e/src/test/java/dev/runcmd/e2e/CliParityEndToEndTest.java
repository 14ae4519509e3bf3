package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's flags and commands that mirror the REST API and {@code az connectedmachine run-command}, run as a user
 * runs them against the real stack: script-uri, command-id, run-as-user with its password from stdin, blob URIs,
 * tags, depends-on, update (PATCH merge), wait and its exit codes, invoke's wait for a job, operation show, and
 * secrets read from files.
 */
class CliParityEndToEndTest {

    private static final Pattern OPERATION = Pattern.compile("runcmd: operation: (\\S+)");

    private static Stack stack;
    private static CliProcess cli;
    private static HttpServer files;
    private static final Map<String, String> uploaded = new ConcurrentHashMap<>();

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.get();
        cli = new CliProcess(stack);
        files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("PUT".equals(exchange.getRequestMethod())) {
                uploaded.put(exchange.getRequestURI().getPath(), new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(201, -1);
            } else {
                byte[] script = "echo \"downloaded $1\"; echo \"tag $MARK\" >&2\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, script.length);
                exchange.getResponseBody().write(script);
            }
            exchange.close();
        });
        files.start();
    }

    @AfterAll
    static void stop() {
        files.stop(0);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + files.getAddress().getPort() + path;
    }

    @Test
    void scriptUriTagsAndBlobUrisAreSentAndUpdateMergesIntoThem() throws Exception {
        CliProcess.Run created = cli.runCommand("create", "-n", "cli-uri", "--script-uri", url("/script.sh"),
                "--parameters", "first", "MARK=one", "--tags", "team=ops", "--output-blob-uri", url("/out.log"),
                "--error-blob-uri", url("/err.log"), "-o", "json");

        assertEquals(0, created.exitCode(), created.toString());
        JsonNode properties = Api.JSON.readTree(created.stdout()).path("properties");
        assertEquals("downloaded first\n", properties.path("instanceView").path("output").asText(), created.stdout());
        assertEquals("downloaded first\n", uploaded.get("/out.log"));
        assertEquals("tag one\n", uploaded.get("/err.log"));

        CliProcess.Run updated = cli.runCommand("update", "-n", "cli-uri", "--parameters", "second", "MARK=two",
                "--tags", "stage=prod", "-o", "json");

        assertEquals(0, updated.exitCode(), updated.toString());
        JsonNode merged = Api.JSON.readTree(updated.stdout());
        assertEquals(Api.JSON.readTree("{\"team\":\"ops\",\"stage\":\"prod\"}"), merged.path("tags"), updated.stdout());
        assertEquals(url("/script.sh"), merged.path("properties").path("source").path("scriptUri").asText());
        assertEquals(url("/out.log"), merged.path("properties").path("outputBlobUri").asText());
        assertEquals("downloaded second\n", merged.path("properties").path("instanceView").path("output").asText());
        assertEquals("downloaded second\n", uploaded.get("/out.log"));
    }

    @Test
    void commandIdRunsAProtectedScriptFromAFileWithAValueFromStdin() throws Exception {
        Path script = Files.writeString(dir.resolve("script"), "echo \"$GREETING\"; exit 4\n");

        CliProcess.Run run = cli.runCommandWithStdin("from stdin\n", "create", "-n", "cli-command-id",
                "--command-id", "RunShellScript", "--protected-parameters", "script=@" + script, "GREETING=@-");

        assertEquals(4, run.exitCode(), run.toString());
        assertEquals("from stdin\n", run.stdout());
        assertTrue(run.stderr().contains("runcmd: Failed, exit code 4"), run.stderr());
    }

    @Test
    void runAsUserWithThePasswordFromStdinRunsAsThatUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "runAsUser needs the agent to run as root");
        String user = "runcmde2e";
        Process add = new ProcessBuilder("sh", "-c", "id " + user + " >/dev/null 2>&1 || useradd --no-create-home " + user)
                .inheritIO().start();
        assertTrue(add.waitFor(30, TimeUnit.SECONDS) && add.exitValue() == 0, "could not create user " + user);

        CliProcess.Run run = cli.runCommandWithStdin("not-used-on-linux\n", "create", "-n", "cli-runas",
                "--script", "id -un", "--run-as-user", user, "--run-as-password-stdin");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(user + "\n", run.stdout());
    }

    @Test
    void waitFollowsDependsOnAndExitsWithTheScriptsCode() throws Exception {
        assertEquals(0, cli.runCommand("create", "-n", "cli-first", "--script", "sleep 1", "--no-wait").exitCode());
        CliProcess.Run second = cli.runCommand("create", "-n", "cli-second", "--script", "echo second; exit 5",
                "--depends-on", "cli-first", "--no-wait", "-o", "json");
        assertEquals(Api.JSON.readTree("[\"cli-first\"]"),
                Api.JSON.readTree(second.stdout()).path("properties").path("dependsOn"), second.toString());

        CliProcess.Run waited = cli.runCommand("wait", "-n", "cli-second");

        assertEquals(5, waited.exitCode(), waited.toString());
        assertEquals("second\n", waited.stdout());
        JsonNode first = RunCommands.instanceView(stack.api().get(stack.api().runCommand(Stack.MAIN_MACHINE,
                "cli-first")).json());
        assertEquals("Succeeded", first.path("executionState").asText(), "the dependency ran first");
    }

    @Test
    void waitExits75WhenItsTimeoutPassesFirstAnd124Or125AsTheRunEnds() throws Exception {
        cli.runCommand("create", "-n", "cli-slow", "--script", "sleep 60", "--no-wait");

        CliProcess.Run gaveUp = cli.runCommand("wait", "-n", "cli-slow", "--timeout", "1s");
        assertEquals(75, gaveUp.exitCode(), gaveUp.toString());
        assertTrue(gaveUp.stderr().contains("stopped waiting after 1 s; 'cli-slow' keeps running"), gaveUp.stderr());

        assertEquals(0, cli.runCommand("cancel", "-n", "cli-slow").exitCode());
        assertEquals(125, cli.runCommand("wait", "-n", "cli-slow").exitCode());

        cli.runCommand("create", "-n", "cli-limit", "--script", "sleep 60", "--timeout-in-seconds", "1", "--no-wait");
        assertEquals(124, cli.runCommand("wait", "-n", "cli-limit").exitCode());
    }

    @Test
    void invokeWaitsOnTheJobsEventStreamAndPrintsEveryTarget() throws Exception {
        CliProcess.Run invoked = cli.run("run-command", "invoke", "-n", "cli-invoke", "--targets",
                "machine:" + Stack.MAIN_MACHINE, "--script", "echo invoked; exit 4");

        assertEquals(1, invoked.exitCode(), invoked.toString());
        assertTrue(invoked.stderr().contains("runcmd: Running: 1 of 1 targets ended (Failed 1)\n"),
                "the progress came from the stream's end event: " + invoked.stderr());
        assertTrue(invoked.stdout().matches("(?s).*\\n" + Stack.MAIN_MACHINE + " +Failed +4 .*"), invoked.stdout());
        assertFalse(invoked.stdout().contains("invoked"), "waiting shows no output: " + invoked.stdout());
    }

    @Test
    void operationShowReadsTheOperationByUrlAndById() throws Exception {
        CliProcess.Run created = cli.runCommand("create", "-n", "cli-operation", "--script", "true", "--no-wait");
        Matcher operation = OPERATION.matcher(created.stderr());
        assertTrue(operation.find(), created.stderr());
        String url = operation.group(1);
        String id = url.replaceAll(".*/operationStatuses/([^?]*).*", "$1");
        RunCommands.awaitTerminal(stack.api(), Stack.MAIN_MACHINE, "cli-operation", Duration.ofSeconds(30));

        JsonNode byUrl = Waits.forValue(Duration.ofSeconds(30), "the operation to succeed", () -> {
            JsonNode status = operationJson("--url", url);
            return "Succeeded".equals(status.path("status").asText()) ? status : null;
        });
        JsonNode byId = operationJson("--id", id);

        assertEquals(id, byUrl.path("name").asText(), byUrl.toString());
        assertEquals(byUrl, byId);
    }

    @Test
    void anApiErrorPrintsItsArmCodeAndMessage() throws Exception {
        CliProcess.Run run = cli.runCommand("wait", "-n", "cli-no-such-command");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("runcmd: ResourceNotFound (HTTP 404): "), run.stderr());
    }

    private static JsonNode operationJson(String option, String value) {
        try {
            CliProcess.Run run = cli.run("operation", "show", option, value, "-o", "json");
            assertEquals(0, run.exitCode(), run.toString());
            return Api.JSON.readTree(run.stdout());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
