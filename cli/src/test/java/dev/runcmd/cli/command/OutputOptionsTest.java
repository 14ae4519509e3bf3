package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** -o, --query and --top of list and show commands against a scripted API, and the completion scripts. */
class OutputOptionsTest {

    private static final String RUN_COMMANDS =
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/web-1/runCommands";
    private static final String TOKENS = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/joinTokens";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScriptedServer api;

    @BeforeEach
    void start() throws Exception {
        api = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aListQuerySeesEveryPageAsOneArray() throws Exception {
        scriptThreePages();

        CliRun run = run("run-command", "list", "--query", "[?properties.instanceView.exitCode!=`0`].name", "-o", "json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(JSON.readTree("[\"b\",\"e\"]"), JSON.readTree(run.out()));
        assertEquals(3, api.requests().size());
    }

    @Test
    void topStopsAcrossPagesAndAsksForPagesNoLarger() {
        scriptThreePages();

        CliRun run = run("run-command", "list", "--top", "3", "--query", "[].name", "-o", "tsv");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("a\nb\nc\n", run.out());
        assertEquals(2, api.requests().size());
        assertTrue(api.requests().get(0).query().startsWith("$top=3&"), api.requests().get(0).query());
    }

    @Test
    void tsvWithoutAQueryIsALinePerItemOfEveryPage() {
        scriptThreePages();

        CliRun run = run("run-command", "list", "-o", "tsv");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("a\t\nb\t\nc\t\nd\t\ne\t\n", run.out(), "the name, then properties (an object: empty)");
    }

    @Test
    void noneKeepsStdoutEmptyAndTheExitCode() {
        scriptThreePages();

        CliRun run = run("run-command", "list", "-o", "none");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("", run.out());
    }

    @Test
    void aShowQueryPicksOneValue() {
        api.on("GET", RUN_COMMANDS + "/hello", Reply.json(200, runCommand("hello", 3)));

        CliRun run = run("run-command", "show", "--name", "hello", "--query", "properties.instanceView.exitCode",
                "-o", "tsv");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("3\n", run.out());
    }

    @Test
    void createPrintsThroughTheSameOutput() {
        api.on("PUT", RUN_COMMANDS + "/hello", Reply.json(201, runCommand("hello", 0)));

        CliRun queried = run("run-command", "create", "--name", "hello", "--script", "true", "--no-wait",
                "--query", "name", "-o", "tsv");
        CliRun none = run("run-command", "create", "--name", "hello", "--script", "true", "--no-wait", "-o", "none");

        assertEquals(ExitCodes.OK, queried.exitCode(), queried.err());
        assertEquals("hello\n", queried.out());
        assertEquals(ExitCodes.OK, none.exitCode(), none.err());
        assertEquals("", none.out());
    }

    @Test
    void yamlShowsTheResource() {
        api.on("GET", RUN_COMMANDS + "/hello", Reply.json(200, runCommand("hello", 0)));

        CliRun run = run("run-command", "show", "--name", "hello", "-o", "yaml");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("name: hello\nproperties:\n  instanceView:\n    exitCode: 0\n"), run.out());
    }

    @Test
    void aBadQueryIsAUsageErrorWithTheParsersMessage() {
        CliRun run = run("run-command", "list", "--query", "[?name==");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--query': '[?name==' is not a JMESPath expression: "),
                run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void joinTokenListFollowsNextLink() {
        api.on("GET", TOKENS, Reply.json(200, "{\"value\":[{\"name\":\"t1\"}],\"nextLink\":\"" + api.url() + TOKENS
                + "?$skipToken=1\"}"), Reply.json(200, "{\"value\":[{\"name\":\"t2\"}]}"));

        CliRun run = CliRun.of("machine", "join-token", "list", "--query", "[].name", "-o", "tsv",
                "--endpoint", api.url(), "--token", "t", "--subscription", "s1", "-g", "rg");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("t1\nt2\n", run.out());
    }

    @Test
    void completionScriptsCoverTheCommandTree() {
        CliRun bash = CliRun.of("completion", "bash");
        CliRun zsh = CliRun.of("completion", "zsh");

        assertEquals(ExitCodes.OK, bash.exitCode(), bash.err());
        assertTrue(bash.out().contains("complete -F _complete_runcmd"), bash.out());
        assertTrue(bash.out().contains("run-command") && bash.out().contains("join-token"), bash.out());
        assertTrue(bash.out().contains("--query") && bash.out().contains("yaml"), "options and their values");
        assertEquals(CompletionCommand.ZSH_PRELUDE + bash.out(), zsh.out());
    }

    /** Five run commands a..e on three pages; b and e exited non-zero. */
    private void scriptThreePages() {
        String next = api.url() + RUN_COMMANDS + "?$skipToken=";
        api.on("GET", RUN_COMMANDS,
                Reply.json(200, page(next + "2", runCommand("a", 0), runCommand("b", 1))),
                Reply.json(200, page(next + "3", runCommand("c", 0), runCommand("d", 0))),
                Reply.json(200, page(null, runCommand("e", 2))));
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", api.url(), "--token", "t", "--subscription", "s1", "-g", "rg",
                "--machine-name", "web-1"));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static String runCommand(String name, int exitCode) {
        return "{\"name\":\"" + name + "\",\"properties\":{\"instanceView\":{\"exitCode\":" + exitCode
                + ",\"executionState\":\"" + (exitCode == 0 ? "Succeeded" : "Failed") + "\"}}}";
    }

    private static String page(String nextLink, String... items) {
        return "{\"value\":[" + String.join(",", items) + "]"
                + (nextLink == null ? "" : ",\"nextLink\":\"" + nextLink + "\"") + "}";
    }
}
