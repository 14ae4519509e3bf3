package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code role assignment create|list|delete} against a scripted API: role names resolved, paths, what is deleted. */
class RoleAssignmentCommandTest {

    private static final String DEFINITIONS = "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions";
    private static final String OPERATOR_ID = DEFINITIONS + "/11111111-1111-1111-1111-111111111111";
    private static final String READER_ID = DEFINITIONS + "/22222222-2222-2222-2222-222222222222";
    private static final String DEFINITION_LIST = "{\"value\":["
            + "{\"id\":\"" + OPERATOR_ID + "\",\"name\":\"11111111-1111-1111-1111-111111111111\",\"properties\":{\"roleName\":\"Run Command Operator\"}},"
            + "{\"id\":\"" + READER_ID + "\",\"name\":\"22222222-2222-2222-2222-222222222222\",\"properties\":{\"roleName\":\"Reader\"}}]}";
    private static final String PROD = "/subscriptions/s1/resourceGroups/prod";

    private ScriptedServer api;

    @BeforeEach
    void start() throws Exception {
        api = ScriptedServer.start();
        api.on("GET", DEFINITIONS, Reply.json(200, DEFINITION_LIST));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void createResolvesTheRoleByNameAndPutsANewAssignmentAtTheScope() {
        api.on("PUT", "*", Reply.json(201, assignment("/", "new", OPERATOR_ID)));

        CliRun run = run("role", "assignment", "create", "--role", "Run Command Operator", "--assignee", "p-1",
                "--assignee-principal-type", "ServicePrincipal", "--scope", "/");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        ScriptedServer.Request lookup = api.requests().get(0);
        assertEquals("$filter=roleName%20eq%20%27Run%20Command%20Operator%27&api-version=2022-04-01", lookup.query());
        ScriptedServer.Request put = api.requests().get(1);
        assertEquals("PUT", put.method());
        assertTrue(put.path().matches("/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]{36}"), put.path());
        assertEquals("api-version=2022-04-01", put.query());
        assertEquals("{\"properties\":{\"roleDefinitionId\":\"" + OPERATOR_ID + "\",\"principalId\":\"p-1\","
                + "\"principalType\":\"ServicePrincipal\"}}", put.body());
        assertEquals("""
                PRINCIPAL  TYPE  ROLE                  SCOPE  NAME
                p-1        User  Run Command Operator  /      new
                """, run.out());
    }

    @Test
    void listShowsRoleNamesAndFiltersByAssigneeOnTheServer() {
        api.on("GET", PROD + "/providers/Microsoft.Authorization/roleAssignments", Reply.json(200, "{\"value\":["
                + assignment("/", "a0", READER_ID) + "," + assignment(PROD, "a1", OPERATOR_ID) + "]}"));

        CliRun run = run("role", "assignment", "list", "--scope", PROD, "--assignee", "p-1");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("$filter=principalId%20eq%20%27p-1%27&api-version=2022-04-01", api.requests().stream()
                .filter(request -> request.path().endsWith("/roleAssignments")).findFirst().orElseThrow().query());
        assertEquals("""
                PRINCIPAL  TYPE  ROLE                  SCOPE                                  NAME
                p-1        User  Reader                /                                      a0
                p-1        User  Run Command Operator  /subscriptions/s1/resourceGroups/prod  a1
                """, run.out());
    }

    @Test
    void deleteByAssigneeDeletesOnlyItsAssignmentsOfTheRoleAtExactlyTheScope() {
        api.on("GET", PROD + "/providers/Microsoft.Authorization/roleAssignments", Reply.json(200, "{\"value\":["
                + assignment("/subscriptions/s1", "above", OPERATOR_ID) + ","
                + assignment(PROD, "other-role", READER_ID) + ","
                + assignment(PROD, "this", OPERATOR_ID).replace("\"scope\":\"" + PROD, "\"scope\":\"/SUBSCRIPTIONS/s1/resourcegroups/prod")
                + ","
                + assignment(PROD + "/providers/Microsoft.HybridCompute/machines/web-1", "below", OPERATOR_ID) + "]}"));
        api.on("DELETE", PROD + "/providers/Microsoft.Authorization/roleAssignments/this",
                new Reply(200, Map.of(), assignment(PROD, "this", OPERATOR_ID)));

        CliRun run = run("role", "assignment", "delete", "--assignee", "p-1", "--role", "Run Command Operator",
                "--scope", PROD);

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<String> deletes = api.requests().stream().filter(r -> r.method().equals("DELETE")).map(r -> r.path()).toList();
        assertEquals(List.of(PROD + "/providers/Microsoft.Authorization/roleAssignments/this"), deletes);
        assertEquals("runcmd: deleted role assignment " + PROD + "/providers/Microsoft.Authorization/roleAssignments/this\n",
                run.err());
    }

    @Test
    void deleteByIdsDeletesEachAtItsOwnScope() {
        String atRoot = "/providers/Microsoft.Authorization/roleAssignments/r1";
        String atMachine = PROD + "/providers/Microsoft.HybridCompute/machines/web-1/providers/Microsoft.Authorization/roleAssignments/m1";
        api.on("DELETE", atRoot, new Reply(204, Map.of(), ""));
        api.on("DELETE", atMachine, new Reply(200, Map.of(), "{}"));

        CliRun run = run("role", "assignment", "delete", "--ids", atRoot, atMachine);

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("runcmd: no role assignment " + atRoot + "; nothing to delete\n"
                + "runcmd: deleted role assignment " + atMachine + "\n", run.err());
    }

    @Test
    void anUnknownRoleNameIsNamed() {
        api.on("GET", DEFINITIONS, Reply.json(200, "{\"value\":[]}"));

        CliRun run = run("role", "assignment", "create", "--role", "Readr", "--assignee", "p-1");

        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals("runcmd: no role named 'Readr' in subscription s1; `runcmd role definition list` shows them\n", run.err());
        assertEquals(1, api.requests().size());
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--endpoint", api.url(), "--token", "owner", "--subscription", "s1"}, 0, all,
                args.length, 6);
        return CliRun.of(all);
    }

    private static String assignment(String scope, String name, String roleDefinitionId) {
        String prefix = scope.equals("/") ? "" : scope;
        return "{\"id\":\"" + prefix + "/providers/Microsoft.Authorization/roleAssignments/" + name + "\",\"name\":\""
                + name + "\",\"properties\":{\"roleDefinitionId\":\"" + roleDefinitionId + "\",\"principalId\":\"p-1\","
                + "\"principalType\":\"User\",\"scope\":\"" + scope + "\"}}";
    }
}
