package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bodies {@code run-command create} and {@code update} send for each flag, where secrets are read from, and the
 * combinations refused as usage errors before any request.
 */
class RunCommandFlagsTest {

    private static final String RUN_COMMANDS =
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1/runCommands";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedServer api;
    @TempDir Path dir;

    @BeforeEach
    void start() throws Exception {
        api = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createMapsEveryFlagToItsRestProperty() throws Exception {
        api.on("PUT", RUN_COMMANDS + "/rc", new Reply(201, Map.of("Content-Type", "application/json",
                "Azure-AsyncOperation", api.url() + "/op"), "{\"name\":\"rc\",\"properties\":{}}"));
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        Path password = Files.writeString(dir.resolve("password"), "pw\n");

        CliRun run = run("create", "-n", "rc", "--script-uri", "https://example.com/s.sh", "--run-as-user", "deploy",
                "--run-as-password", "@" + password, "--output-blob-uri", "https://b/out", "--error-blob-uri",
                "https://b/err", "--tags", "team=ops", "stage=", "--depends-on", "a", "b", "--async-execution",
                "--delivery-timeout-in-seconds", "60", "--timeout-in-seconds", "30", "--parameters", "X=1",
                "--protected-parameters", "TOKEN=@" + token, "AT=@@home", "--no-wait");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(JSON.readTree("""
                {"location":"local","tags":{"team":"ops","stage":""},
                 "properties":{"source":{"scriptUri":"https://example.com/s.sh"},
                  "parameters":[{"name":"X","value":"1"}],
                  "protectedParameters":[{"name":"TOKEN","value":"s3cret"},{"name":"AT","value":"@home"}],
                  "timeoutInSeconds":30,"deliveryTimeoutInSeconds":60,"asyncExecution":true,"runAsUser":"deploy",
                  "runAsPassword":"pw","outputBlobUri":"https://b/out","errorBlobUri":"https://b/err",
                  "dependsOn":["a","b"]}}"""), JSON.readTree(api.requests().get(0).body()));
        assertTrue(run.err().contains("runcmd: operation: " + api.url() + "/op"), run.err());
    }

    @Test
    void thePasswordIsReadFromStandardInput() throws Exception {
        api.on("PUT", RUN_COMMANDS + "/rc", Reply.json(201, "{\"name\":\"rc\",\"properties\":{}}"));

        CliRun run = withStdin("from-stdin\n", () -> run("create", "-n", "rc", "--command-id", "Uptime",
                "--run-as-user", "deploy", "--run-as-password-stdin", "--no-wait"));

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("from-stdin", JSON.readTree(api.requests().get(0).body()).path("properties")
                .path("runAsPassword").asText());
        assertEquals("Uptime", JSON.readTree(api.requests().get(0).body()).path("properties").path("source")
                .path("commandId").asText());
    }

    @Test
    void updateSendsOnlyWhatWasGiven() throws Exception {
        api.on("PATCH", RUN_COMMANDS + "/rc", Reply.json(200, "{\"name\":\"rc\",\"properties\":{}}"));

        CliRun run = run("update", "-n", "rc", "--tags", "stage=prod", "--async-execution", "false", "--no-wait");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(JSON.readTree("{\"tags\":{\"stage\":\"prod\"},\"properties\":{\"asyncExecution\":false}}"),
                JSON.readTree(api.requests().get(0).body()));
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() {
        CliRun run = run("create", "-n", "rc", "--script", "id", "--run-as-user", "u", "--run-as-password", "hunter2");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--run-as-password never takes the password on the command line"), run.err());
        assertEquals(0, api.requests().size());
    }

    @Test
    void aPasswordPromptWithoutATerminalSaysWhatToUseInstead() {
        CliRun run = run("create", "-n", "rc", "--script", "id", "--run-as-user", "u", "--run-as-password");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--run-as-password without a value prompts for it, but there is no terminal; "
                + "use --run-as-password @FILE or --run-as-password-stdin"), run.err());
    }

    @Test
    void standardInputFeedsOneValueOnly() {
        CliRun run = withStdin("x", () -> run("create", "-n", "rc", "--script", "id", "--run-as-user", "u",
                "--run-as-password-stdin", "--protected-parameters", "A=@-"));

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("standard input can give only one value: --protected-parameters A already reads "
                + "it, so --run-as-password-stdin cannot"), run.err());
    }

    @Test
    void twoSourcesAreRefused() {
        CliRun run = run("create", "-n", "rc", "--script", "id", "--command-id", "Uptime");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("mutually exclusive"), run.err());
    }

    @Test
    void anUpdateOfNothingIsRefused() {
        CliRun run = run("update", "-n", "rc");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("nothing to update"), run.err());
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("run-command"));
        all.addAll(List.of(args));
        all.addAll(List.of("--endpoint", api.url(), "--token", "t", "--subscription", "s1", "-g", "rg",
                "--machine-name", "m1"));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static CliRun withStdin(String text, java.util.function.Supplier<CliRun> action) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        try {
            return action.get();
        } finally {
            System.setIn(original);
        }
    }
}
