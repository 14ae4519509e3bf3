package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import dev.runcmd.cli.ScriptedServer.Request;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code machine update|list|show} against a scripted API: tags set and cleared, filtered and paged lists, TAGS. */
class MachineCommandTest {

    private static final String MACHINES = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines";
    private static final String API_VERSION = "api-version=2024-11-10-preview";
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
    void updateReplacesTheTagsWithAPatchOfTheMachine() throws Exception {
        api.on("PATCH", MACHINES + "/web-1", Reply.json(200, machine("web-1", "{\"env\":\"prod\",\"note\":\"\",\"team\":\"web\"}")));

        CliRun run = run("machine", "update", "--machine-name", "web-1", "--tags", "env=prod", "team=web", "note=");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        Request patch = api.requests().get(0);
        assertEquals("PATCH", patch.method());
        assertEquals(MACHINES + "/web-1", patch.path());
        assertEquals(API_VERSION, patch.query());
        assertEquals("application/json", patch.header("Content-Type"));
        assertEquals(JSON.readTree("{\"tags\":{\"env\":\"prod\",\"team\":\"web\",\"note\":\"\"}}"), JSON.readTree(patch.body()));
        assertEquals("""
                NAME   STATUS     OS     OS VERSION  AGENT  LAST STATUS CHANGE    TAGS
                web-1  Connected  Linux  6.1         0.1.0  2026-03-01T10:00:00Z  env=prod,note=,team=web
                """, run.out());
    }

    @Test
    void clearTagsSendsAnEmptyTagsObjectAndPrintsTheMachine() throws Exception {
        api.on("PATCH", MACHINES + "/web-1", Reply.json(200, machine("web-1", "{\"os\":\"from-agent\"}")));

        CliRun run = run("machine", "update", "-n", "web-1", "--clear-tags", "-o", "json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("{\"tags\":{}}", api.requests().get(0).body());
        assertEquals("from-agent", JSON.readTree(run.out()).path("tags").path("os").asText());
    }

    @Test
    void aTagWithoutEqualsSignIsAUsageError() {
        CliRun run = run("machine", "update", "-n", "web-1", "--tags", "env", "prod");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--tags' at index 0 (NAME=VALUE): "
                + "'env' is not a tag: use NAME=VALUE (NAME= for an empty value)\n"), run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void anEmptyTagOrNameIsAUsageErrorPointingAtClearTags() {
        CliRun empty = run("machine", "update", "-n", "web-1", "--tags", "");
        CliRun noName = run("machine", "update", "-n", "web-1", "--tags", "=prod");

        assertEquals(ExitCodes.USAGE, empty.exitCode());
        assertTrue(empty.err().contains("'' is not a tag: use NAME=VALUE; to remove every tag use --clear-tags\n"),
                empty.err());
        assertEquals(ExitCodes.USAGE, noName.exitCode());
        assertTrue(noName.err().contains("'=prod' is not a tag: its name is empty; use NAME=VALUE\n"), noName.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void aTagNamedTwiceIsAUsageError() {
        CliRun run = run("machine", "update", "-n", "web-1", "--tags", "env=prod", "env=test");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("--tags names 'env' twice\n"), run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void updateNeedsEitherTagsOrClearTagsButNotBoth() {
        CliRun neither = run("machine", "update", "-n", "web-1");
        CliRun both = run("machine", "update", "-n", "web-1", "--tags", "env=prod", "--clear-tags");

        assertEquals(ExitCodes.USAGE, neither.exitCode());
        assertTrue(neither.err().startsWith("Error: Missing required argument"), neither.err());
        assertEquals(ExitCodes.USAGE, both.exitCode());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void updateOfAnUnknownMachineFailsWithTheApiError() {
        api.on("PATCH", MACHINES + "/ghost", Reply.json(404,
                "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"no machine named 'ghost'\"}}"));

        CliRun run = run("machine", "update", "-n", "ghost", "--clear-tags");

        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertTrue(run.err().startsWith("runcmd: ResourceNotFound (HTTP 404): no machine named 'ghost'\n"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void listByTagNameAndValueSendsTheODataFilter() {
        api.on("GET", MACHINES, Reply.json(200, "{\"value\":[]}"));

        CliRun run = run("machine", "list", "--tag", "env=prod");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("$filter=tagName%20eq%20%27env%27%20and%20tagValue%20eq%20%27prod%27&" + API_VERSION,
                api.requests().get(0).query());
    }

    @Test
    void listByTagNameAloneFiltersOnTheNameWithQuotesDoubled() {
        api.on("GET", MACHINES, Reply.json(200, "{\"value\":[]}"));

        CliRun run = run("machine", "list", "--tag", "owner's");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("$filter=tagName%20eq%20%27owner%27%27s%27&" + API_VERSION, api.requests().get(0).query());
    }

    @Test
    void aTagFilterWithoutNameIsAUsageError() {
        CliRun run = run("machine", "list", "--tag", "=prod");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--tag': "
                + "'=prod' is not a tag filter: its name is empty; use NAME or NAME=VALUE\n"), run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void listFollowsEveryNextLink() throws Exception {
        String next = api.url() + MACHINES + "?$filter=tagName%20eq%20%27env%27&$skipToken=";
        api.on("GET", MACHINES,
                Reply.json(200, page(next + "b&" + API_VERSION, "a", "b")),
                Reply.json(200, page(next + "d&" + API_VERSION, "c", "d")),
                Reply.json(200, page(null, "e")));

        CliRun run = run("machine", "list", "--tag", "env", "-o", "json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(List.of("a", "b", "c", "d", "e"), names(run.out()));
        assertEquals(3, api.requests().size());
        assertEquals("$filter=tagName%20eq%20%27env%27&$skipToken=d&" + API_VERSION, api.requests().get(2).query());
        assertEquals("Bearer t", api.requests().get(2).header("Authorization"));
        assertTrue(JSON.readTree(run.out()).path("nextLink").isMissingNode());
    }

    @Test
    void listStopsAtTopAcrossPagesAndAsksForPagesNoLarger() throws Exception {
        String next = api.url() + MACHINES + "?$top=3&$skipToken=";
        api.on("GET", MACHINES,
                Reply.json(200, page(next + "b&" + API_VERSION, "a", "b")),
                Reply.json(200, page(next + "d&" + API_VERSION, "c", "d")));

        CliRun run = run("machine", "list", "--top", "3", "-o", "json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(List.of("a", "b", "c"), names(run.out()));
        assertEquals(2, api.requests().size(), "the second page holds the third machine; no further page is asked for");
        assertEquals("$top=3&" + API_VERSION, api.requests().get(0).query());
    }

    @Test
    void aTopOfZeroIsAUsageError() {
        CliRun run = run("machine", "list", "--top", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("--top must be at least 1, not 0\n"), run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void theListTableShowsTagsByNameCutToFortyCharacters() {
        api.on("GET", MACHINES, Reply.json(200, "{\"value\":["
                + machine("web-1", "{\"team\":\"web\",\"env\":\"prod\"}") + ","
                + machine("web-2", "{\"owner\":\"platform-engineering\",\"cost-center\":\"cc-1234567\"}") + ","
                + machine("web-3", null) + "]}"));

        CliRun run = run("machine", "list");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("""
                NAME   STATUS     OS     OS VERSION  AGENT  LAST STATUS CHANGE    TAGS
                web-1  Connected  Linux  6.1         0.1.0  2026-03-01T10:00:00Z  env=prod,team=web
                web-2  Connected  Linux  6.1         0.1.0  2026-03-01T10:00:00Z  cost-center=cc-1234567,owner=platform...
                web-3  Connected  Linux  6.1         0.1.0  2026-03-01T10:00:00Z
                """, run.out());
    }

    @Test
    void showPrintsEveryTagUncut() {
        api.on("GET", MACHINES + "/web-2",
                Reply.json(200, machine("web-2", "{\"owner\":\"platform-engineering\",\"cost-center\":\"cc-1234567\"}")));

        CliRun run = run("machine", "show", "--machine-name", "web-2");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("""
                NAME   STATUS     OS     OS VERSION  AGENT  LAST STATUS CHANGE    TAGS
                web-2  Connected  Linux  6.1         0.1.0  2026-03-01T10:00:00Z  cost-center=cc-1234567,owner=platform-engineering
                """, run.out());
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", api.url(), "--token", "t", "--subscription", "s1", "-g", "rg"));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** A machine resource; {@code tags} is a JSON object, or null for a machine without tags. */
    private static String machine(String name, String tags) {
        return "{\"name\":\"" + name + "\"," + (tags == null ? "" : "\"tags\":" + tags + ",")
                + "\"properties\":{\"status\":\"Connected\",\"osName\":\"Linux\",\"osVersion\":\"6.1\","
                + "\"agentVersion\":\"0.1.0\",\"lastStatusChange\":\"2026-03-01T10:00:00Z\"}}";
    }

    private static String page(String nextLink, String... names) {
        List<String> machines = new ArrayList<>();
        for (String name : names) {
            machines.add(machine(name, null));
        }
        return "{\"value\":[" + String.join(",", machines) + "]"
                + (nextLink == null ? "" : ",\"nextLink\":\"" + nextLink + "\"") + "}";
    }

    private static List<String> names(String out) throws Exception {
        List<String> names = new ArrayList<>();
        JSON.readTree(out).forEach(machine -> names.add(machine.path("name").asText()));
        return names;
    }
}
