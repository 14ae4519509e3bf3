package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runcmd.cli.local.Artifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI's output options against the real stack: lists that span more than one of the API's pages (50 items by
 * default), --top, --query, yaml, tsv, none, and the completion scripts.
 */
class CliOutputEndToEndTest {

    /** A machine that is enrolled but offline, so its run commands stay as created. */
    private static final String PAGED_MACHINE = "e2e-cli-pages";
    /** More run commands than the API's default page of 50. */
    private static final int RUN_COMMANDS = 53;

    private static Stack stack;
    private static List<String> names;

    /** A finished CLI run: exit code, stdout, stderr. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
        stack.registerOffline(PAGED_MACHINE);
        names = new ArrayList<>();
        for (int i = 0; i < RUN_COMMANDS; i++) {
            String name = String.format("page-%02d", i);
            Api.Answer answer = stack.api().put(stack.api().runCommand(PAGED_MACHINE, name),
                    RunCommands.body("true").toString());
            assertEquals(201, answer.status(), answer.toString());
            names.add(name);
        }
    }

    @Test
    void listFollowsEveryPage() throws Exception {
        Run run = cli("run-command", "list", "--machine-name", PAGED_MACHINE, "-o", "json");

        assertEquals(0, run.exitCode(), run.toString());
        List<String> listed = new ArrayList<>();
        Api.JSON.readTree(run.stdout()).forEach(runCommand -> listed.add(runCommand.path("name").asText()));
        assertEquals(names, listed);
    }

    @Test
    void topStopsAcrossThePageBoundaryAndAQueryPicksTheNames() throws Exception {
        Run run = cli("run-command", "list", "--machine-name", PAGED_MACHINE, "--top", "51", "--query", "[].name",
                "-o", "tsv");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(String.join("\n", names.subList(0, 51)) + "\n", run.stdout());
    }

    @Test
    void tableAndTsvStreamEveryPage() throws Exception {
        Run table = cli("run-command", "list", "--machine-name", PAGED_MACHINE);
        Run tsv = cli("run-command", "list", "--machine-name", PAGED_MACHINE, "-o", "tsv");

        assertEquals(0, table.exitCode(), table.toString());
        assertEquals(RUN_COMMANDS + 1, table.stdout().lines().count(), table.stdout());
        assertTrue(table.stdout().startsWith("NAME "), table.stdout());
        assertEquals(RUN_COMMANDS, tsv.stdout().lines().count(), tsv.stdout());
        assertTrue(tsv.stdout().lines().allMatch(line -> line.split("\t").length > 3), tsv.stdout());
    }

    @Test
    void showQueryYamlAndNone() throws Exception {
        Run create = cli("run-command", "create", "--machine-name", Stack.MAIN_MACHINE, "--name", "cli-out-exit",
                "--script", "exit 7");
        assertEquals(7, create.exitCode(), create.toString());

        Run exitCode = cli("run-command", "show", "--machine-name", Stack.MAIN_MACHINE, "--name", "cli-out-exit",
                "--query", "properties.instanceView.exitCode", "-o", "tsv");
        assertEquals("7\n", exitCode.stdout(), exitCode.toString());

        Run yaml = cli("run-command", "show", "--machine-name", Stack.MAIN_MACHINE, "--name", "cli-out-exit",
                "-o", "yaml");
        assertEquals(0, yaml.exitCode(), yaml.toString());
        JsonNode resource = stack.api().get(stack.api().runCommand(Stack.MAIN_MACHINE, "cli-out-exit")).json();
        assertEquals(resource, new YAMLMapper().readTree(yaml.stdout()));

        Run none = cli("run-command", "show", "--machine-name", Stack.MAIN_MACHINE, "--name", "cli-out-exit",
                "-o", "none");
        assertEquals(0, none.exitCode(), none.toString());
        assertEquals("", none.stdout());
        Run missing = cli("run-command", "show", "--machine-name", Stack.MAIN_MACHINE, "--name", "cli-out-nope",
                "-o", "none");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertEquals("", missing.stdout());
    }

    @Test
    void aBadQueryIsAUsageError() throws Exception {
        Run run = cli("machine", "list", "--query", "[?name==");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("is not a JMESPath expression"), run.stderr());
    }

    @Test
    void completionScriptsNameTheCommandsAndBashParsesTheirs() throws Exception {
        Run bash = run(List.of("completion", "bash"));
        Run zsh = run(List.of("completion", "zsh"));

        assertEquals(0, bash.exitCode(), bash.toString());
        for (String command : List.of("run-command", "machine", "join-token", "activity-log", "completion")) {
            assertTrue(bash.stdout().contains(command), command);
            assertTrue(zsh.stdout().contains(command), command);
        }
        assertTrue(zsh.stdout().contains("bashcompinit"), zsh.stdout());
        Path script = Files.createTempFile("runcmd-completion-", ".bash");
        Files.writeString(script, bash.stdout());
        Process check = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
        assertTrue(check.waitFor(30, TimeUnit.SECONDS), "bash -n did not end");
        assertEquals(0, check.exitValue(), new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** runcmd with {@code args}, then the stack's endpoint, subscription and resource group. */
    private static Run cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", "http://127.0.0.1:" + stack.apiPort(),
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP));
        return run(all);
    }

    private static Run run(List<String> args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("runcmd-cli-", ".out");
        Path err = Files.createTempFile("runcmd-cli-", ".err");
        List<String> command = new ArrayList<>(List.of(Artifacts.javaExecutable(), "-jar",
                Artifacts.locate(System.getenv()).cliJar().toString()));
        command.addAll(args);
        Process process = stack.cli(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "runcmd " + String.join(" ", args) + " did not end");
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
