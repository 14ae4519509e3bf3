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

/** {@code activity-log list} against a scripted API: pages followed until --max-events, --caller, the table. */
class ActivityLogCommandTest {

    private static final String EVENTS = "/subscriptions/s1/providers/Microsoft.Insights/eventtypes/management/values";

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
    void pagesAreFollowedUntilMaxEventsOfTheCallerAreFound() throws Exception {
        api.on("GET", EVENTS, Reply.json(200, page(List.of("alice@local", "bob", "alice@local"), api.url() + "/page2")));
        api.on("GET", "/page2", Reply.json(200, page(List.of("bob", "ALICE@local", "alice@local"), api.url() + "/page3")));

        CliRun run = CliRun.of("activity-log", "list", "--endpoint", api.url(), "--token", "t", "--subscription", "s1",
                "--caller", "alice@local", "--max-events", "3", "-o", "json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<String> callers = new ArrayList<>();
        new ObjectMapper().readTree(run.out()).forEach(event -> callers.add(event.path("caller").asText()));
        assertEquals(List.of("alice@local", "alice@local", "ALICE@local"), callers);
        assertEquals(2, api.requests().size(), "page 3 is not needed");
        assertTrue(api.requests().get(0).query().startsWith("$filter=eventTimestamp%20ge%20%27"), api.requests().get(0).query());
        assertTrue(api.requests().get(0).query().endsWith("&api-version=2015-04-01"), api.requests().get(0).query());
        assertEquals("Bearer t", api.requests().get(1).header("Authorization"));
    }

    @Test
    void theTableShowsTimeCallerOperationStatusAndResource() {
        api.on("GET", EVENTS, Reply.json(200, "{\"value\":[{\"caller\":\"ci-deploy\",\"eventTimestamp\":"
                + "\"2026-03-01T11:00:00Z\",\"operationName\":{\"value\":\"Microsoft.HybridCompute/machines/runCommands/write\"},"
                + "\"status\":{\"value\":\"Failed\"},\"subStatus\":{\"value\":\"Forbidden\"},\"resourceId\":\"/subscriptions/s1/x\"}]}"));

        CliRun run = CliRun.of("activity-log", "list", "--endpoint", api.url(), "--token", "t", "--subscription", "s1",
                "--start-time", "2026-03-01", "--offset", "1d", "-g", "prod");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("""
                TIME                  CALLER     OPERATION                                           STATUS              RESOURCE
                2026-03-01T11:00:00Z  ci-deploy  Microsoft.HybridCompute/machines/runCommands/write  Failed (Forbidden)  /subscriptions/s1/x
                """, run.out());
        assertEquals("$filter=eventTimestamp%20ge%20%272026-03-01T00%3A00%3A00Z%27%20and%20eventTimestamp%20le%20"
                + "%272026-03-02T00%3A00%3A00Z%27%20and%20resourceGroupName%20eq%20%27prod%27&api-version=2015-04-01",
                api.requests().get(0).query());
    }

    @Test
    void aStartAfterTheEndIsAUsageError() {
        CliRun run = CliRun.of("activity-log", "list", "--endpoint", api.url(), "--start-time", "2026-03-02",
                "--end-time", "2026-03-01");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("the start time 2026-03-02T00:00:00Z is after the end time 2026-03-01T00:00:00Z"),
                run.err());
        assertTrue(api.requests().isEmpty());
    }

    private static String page(List<String> callers, String nextLink) {
        StringBuilder page = new StringBuilder("{\"value\":[");
        for (int i = 0; i < callers.size(); i++) {
            page.append(i == 0 ? "" : ",").append("{\"caller\":\"").append(callers.get(i))
                    .append("\",\"eventTimestamp\":\"2026-03-01T11:00:0").append(i).append("Z\"}");
        }
        return page.append("],\"nextLink\":\"").append(nextLink).append("\"}").toString();
    }
}
