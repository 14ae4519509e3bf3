package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.local.Artifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI as a user runs it: `run-command create --follow` streams and exits with the script's code. */
class CliEndToEndTest {

    private static Stack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
    }

    /** A finished CLI run: exit code, stdout, stderr. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    @Test
    void succeededExitsZeroWithStreamsSeparated() throws Exception {
        Run run = cli("create", "--follow", "--name", "cli-ok", "--script", "echo out; echo err >&2");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("out\n", run.stdout());
        assertTrue(run.stderr().startsWith("err\n"), run.stderr());
    }

    @Test
    void failedExitsWithTheScriptsCode() throws Exception {
        Run run = cli("create", "--follow", "--name", "cli-fail", "--script", "echo before; exit 3");
        assertEquals(3, run.exitCode(), run.toString());
        assertEquals("before\n", run.stdout());
    }

    @Test
    void timedOutExits124() throws Exception {
        Run run = cli("create", "--follow", "--name", "cli-timeout", "--script", "sleep 60", "--timeout-in-seconds", "1");
        assertEquals(124, run.exitCode(), run.toString());
    }

    @Test
    void canceledExits125AndLogsShowsTheOutputSoFar() throws Exception {
        Process follow = start("create", "--follow", "--name", "cli-cancel", "--script", "echo started; sleep 60");
        Waits.until(Duration.ofSeconds(30), "the script to start", () -> RunCommands.instanceView(
                stack.api().get(stack.api().runCommand(Stack.MAIN_MACHINE, "cli-cancel")).json())
                .path("output").asText().contains("started"));
        Run cancel = cli("cancel", "--name", "cli-cancel");
        assertEquals(0, cancel.exitCode(), cancel.toString());
        assertTrue(follow.waitFor(30, TimeUnit.SECONDS), "create --follow did not end after cancel");
        assertEquals(125, follow.exitValue());
        Run logs = cli("logs", "--name", "cli-cancel");
        assertEquals("started\n", logs.stdout());
    }

    @Test
    void executionsListsEveryRunNewestFirst() throws Exception {
        cli("create", "--name", "cli-history", "--script", "exit 1");
        cli("create", "--name", "cli-history", "--script", "exit 0");
        Run history = cli("executions", "--name", "cli-history", "-o", "json");
        assertEquals(0, history.exitCode(), history.toString());
        com.fasterxml.jackson.databind.JsonNode runs = Api.JSON.readTree(history.stdout());
        assertEquals(2, runs.size(), history.stdout());
        assertEquals("Succeeded", runs.path(0).path("executionState").asText());
        assertEquals("Failed", runs.path(1).path("executionState").asText());
    }

    @Test
    void aRunTheOfflineMachineNeverTookEndsAtItsDeliveryTimeout() throws Exception {
        String machine = "e2e-cli-offline";
        stack.registerOffline(machine);

        Run run = cliOn(machine, "create", "--name", "cli-undelivered", "--script", "echo never",
                "--delivery-timeout-in-seconds", "1", "-o", "json");

        assertEquals(1, run.exitCode(), run.toString());
        com.fasterxml.jackson.databind.JsonNode properties = Api.JSON.readTree(run.stdout()).path("properties");
        assertEquals(1, properties.path("deliveryTimeoutInSeconds").asInt(), run.stdout());
        assertEquals("Failed", properties.path("instanceView").path("executionState").asText(), run.stdout());
        assertEquals("not delivered: machine offline",
                properties.path("instanceView").path("executionMessage").asText(), run.stdout());
    }

    private static Run cli(String... args) throws Exception {
        return cliOn(Stack.MAIN_MACHINE, args);
    }

    private static Run cliOn(String machine, String... args) throws Exception {
        Process process = startOn(machine, args);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "runcmd " + String.join(" ", args) + " did not end");
        return new Run(process.exitValue(), read(process, true), read(process, false));
    }

    private static Process start(String... args) throws IOException {
        return startOn(Stack.MAIN_MACHINE, args);
    }

    private static Process startOn(String machine, String... args) throws IOException {
        Path out = Files.createTempFile("runcmd-cli-", ".out");
        Path err = Files.createTempFile("runcmd-cli-", ".err");
        List<String> command = new ArrayList<>(List.of(Artifacts.javaExecutable(), "-jar",
                Artifacts.locate(System.getenv()).cliJar().toString(), "run-command"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", "http://127.0.0.1:" + stack.apiPort(),
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP,
                "--machine-name", machine));
        Process process = stack.cli(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        OUTPUTS.put(process, new Path[] {out, err});
        return process;
    }

    private static final java.util.Map<Process, Path[]> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String read(Process process, boolean stdout) throws IOException {
        return Files.readString(OUTPUTS.get(process)[stdout ? 0 : 1], StandardCharsets.UTF_8);
    }
}
