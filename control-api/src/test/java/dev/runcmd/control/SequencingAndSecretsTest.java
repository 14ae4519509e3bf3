package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.runcmd.proto.secrets.SecretBox;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Secrets sealed at rest, every source kind as the agent will get it, and sequencing with dependsOn: waiting,
 * cycles, dependencies that already failed, and the dependents that a cancel, delete or replacement ends. Rows
 * are moved over JDBC as a gateway would. Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class SequencingAndSecretsTest {

    @Test
    void secretsAreSealedAtRestAndNeverReturned() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-secrets", "m1");
        String body = """
                {"location":"eastus","properties":{"source":{"script":"id"},"runAsUser":"svc",
                 "runAsPassword":"pw-s3cr3t","protectedParameters":[{"name":"TOKEN","value":"tok-s3cr3t"}]}}""";
        String created = put(runCommand("rg-secrets", "m1", "job"), body).statusCode(201)
                .body("properties.runAsUser", equalTo("svc")).extract().asString();
        String shown = request().get(runCommand("rg-secrets", "m1", "job")).then().statusCode(200)
                .extract().asString();
        for (String response : List.of(created, shown)) {
            assertThat(response, not(containsString("s3cr3t")));
            assertThat(response, not(containsString("runAsPassword")));
        }

        for (String table : List.of("run_command", "execution")) {
            assertEquals(0, Db.queryLong("select count(*) from " + table + " t where t::text like '%s3cr3t%' "
                    + "and machine_id = ?", machineId), table + " holds a secret in clear");
            assertEquals("[]", Db.queryString("select protected_parameters::text from " + table
                    + " where machine_id = ?", machineId));
            assertEquals("[{\"name\":\"TOKEN\",\"value\":\"tok-s3cr3t\"}]", box().open(Db.queryString(
                    "select protected_parameters_enc from " + table + " where machine_id = ?", machineId)));
            assertEquals("pw-s3cr3t", box().open(Db.queryString("select run_as_password_enc from " + table
                    + " where machine_id = ?", machineId)));
        }
        assertEquals("svc", Db.queryString("select run_as_user from execution where machine_id = ?", machineId));
    }

    @Test
    void everySourceKindReachesTheExecutionAsTheAgentRunsIt() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-sources", "m1");
        put(runCommand("rg-sources", "m1", "fetched"), """
                {"location":"eastus","properties":{"source":{"scriptUri":"https://example.test/s.sh?sig=abc"},
                 "outputBlobUri":"https://blobs.test/out?sig=1","errorBlobUri":"http://blobs.test/err"}}""")
                .statusCode(201)
                .body("properties.source", equalTo(Map.of("scriptUri", "https://example.test/s.sh?sig=abc")))
                .body("properties.outputBlobUri", equalTo("https://blobs.test/out?sig=1"))
                .body("systemData.createdBy", equalTo("test-owner"))
                .body("systemData.createdByType", equalTo("User"))
                .body("systemData.lastModifiedByType", equalTo("User"));
        assertExecution(machineId, "fetched", "", "SHELL_DEFAULT");
        assertEquals("https://example.test/s.sh?sig=abc", Db.queryString("select script_uri from execution "
                + "where machine_id = ? and run_command_name = 'fetched'", machineId));
        for (String table : List.of("run_command", "execution")) {
            String stored = Db.queryString("select output_blob_uri from " + table + " where machine_id = ? and "
                    + (table.equals("execution") ? "run_command_name" : "name") + " = 'fetched'", machineId);
            assertFalse(stored.contains("sig=1"), table + " keeps the SAS token in plain text: " + stored);
            assertEquals("https://blobs.test/out?sig=1", box().open(stored), table);
        }
        assertEquals("http://blobs.test/err", box().open(Db.queryString("select error_blob_uri from execution "
                + "where machine_id = ? and run_command_name = 'fetched'", machineId)));
        request().contentType("application/json").body("{\"properties\":{\"timeoutInSeconds\":60}}")
                .patch(runCommand("rg-sources", "m1", "fetched")).then().statusCode(200)
                .body("properties.outputBlobUri", equalTo("https://blobs.test/out?sig=1"))
                .body("properties.errorBlobUri", equalTo("http://blobs.test/err"));

        put(runCommand("rg-sources", "m1", "shell"), """
                {"location":"eastus","properties":{"source":{"commandId":"runshellscript"},
                 "parameters":[{"name":"script","value":"echo hi"}]}}""")
                .statusCode(201).body("properties.source.commandId", equalTo("RunShellScript"));
        assertExecution(machineId, "shell", "eval \"$script\"", "SHELL_POSIX");
        put(runCommand("rg-sources", "m1", "ps"), """
                {"location":"eastus","properties":{"source":{"commandId":"RunPowerShellScript"},
                 "protectedParameters":[{"name":"script","value":"Get-Date"}]}}""").statusCode(201);
        assertExecution(machineId, "ps", "param([string]$script)\nInvoke-Expression $script", "SHELL_POWERSHELL");
        put(runCommand("rg-sources", "m1", "disk"), "{\"location\":\"eastus\",\"properties\":{\"source\":"
                + "{\"commandId\":\"DiskUsage\"}}}").statusCode(201);
        assertExecution(machineId, "disk", "df -h", "SHELL_POSIX");
    }

    @Test
    void dependentWaitsForDependenciesThatHaveNotSucceeded() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-wait", "m1");
        put(runCommand("rg-wait", "m1", "build"), Arm.scriptBody("make")).statusCode(201);
        put(runCommand("rg-wait", "m1", "fetch"), Arm.scriptBody("curl")).statusCode(201);
        put(runCommand("rg-wait", "m1", "lint"), Arm.scriptBody("lint")).statusCode(201);
        OutputRows.end(current(machineId, "lint"), "Succeeded", 0, "");

        put(runCommand("rg-wait", "m1", "deploy"), dependsOn("build", "lint", "fetch")).statusCode(201)
                .body("properties.dependsOn", equalTo(List.of("build", "lint", "fetch")))
                .body("properties.instanceView.executionState", equalTo("Pending"))
                .body("properties.instanceView.executionMessage",
                        equalTo("Waiting for run command(s) build, fetch to succeed"));
        String deploy = current(machineId, "deploy");
        assertEquals("Pending", state(deploy));
        assertEquals(List.of(current(machineId, "build"), current(machineId, "fetch")).stream().sorted().toList(),
                List.of(Db.queryString("select array_to_string(array(select unnest(waiting_for) order by 1), ',') "
                        + "from execution where id = ?::uuid", deploy).split(",")));
    }

    @Test
    void dependencyThatAlreadyFailedCancelsTheNewRunAtOnce() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-failed-dep", "m1");
        put(runCommand("rg-failed-dep", "m1", "build"), Arm.scriptBody("make")).statusCode(201);
        OutputRows.end(current(machineId, "build"), "TimedOut", -1, "");

        var response = put(runCommand("rg-failed-dep", "m1", "deploy"), dependsOn("build")).statusCode(201)
                .body("properties.provisioningState", equalTo("Canceled"))
                .body("properties.instanceView.executionState", equalTo("Canceled"))
                .body("properties.instanceView.executionMessage",
                        equalTo("Canceled: dependency 'build' ended TimedOut")).extract();
        assertEquals("Canceled", Operations.of(response, "eastus").statusValue());
    }

    @Test
    void cycleIsRefusedAndWritesNothing() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-cycle", "m1");
        put(runCommand("rg-cycle", "m1", "a"), Arm.scriptBody("true")).statusCode(201);
        put(runCommand("rg-cycle", "m1", "b"), dependsOn("a")).statusCode(201);
        put(runCommand("rg-cycle", "m1", "c"), dependsOn("b")).statusCode(201);
        long executions = Db.queryLong("select count(*) from execution where machine_id = ?", machineId);

        put(runCommand("rg-cycle", "m1", "a"), dependsOn("c")).statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", equalTo("Invalid request content at 'properties.dependsOn': the "
                        + "dependencies form a cycle: a -> c -> b -> a."));
        assertEquals(executions, Db.queryLong("select count(*) from execution where machine_id = ?", machineId));
        request().get(runCommand("rg-cycle", "m1", "a")).then().body("properties.dependsOn", equalTo(List.of()));
    }

    @Test
    void concurrentPutsNeverStoreACycleBetweenThem() throws Exception {
        Db.insertMachine(Arm.SUB, "rg-cycle-race", "m1");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int round = 0; round < 5; round++) {
            String a = "a" + round;
            String b = "b" + round;
            put(runCommand("rg-cycle-race", "m1", a), Arm.scriptBody("true")).statusCode(201);
            put(runCommand("rg-cycle-race", "m1", b), Arm.scriptBody("true")).statusCode(201);

            CompletableFuture<HttpResponse<String>> first = putAsync(client, a, dependsOn(b));
            CompletableFuture<HttpResponse<String>> second = putAsync(client, b, dependsOn(a));

            List<Integer> statuses = List.of(first.get(15, TimeUnit.SECONDS).statusCode(),
                    second.get(15, TimeUnit.SECONDS).statusCode());
            assertEquals(1, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
        }
    }

    @Test
    void cancelOfADependencyCancelsItsDependentsTransitively() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-chain", "m1");
        put(runCommand("rg-chain", "m1", "a"), Arm.scriptBody("true")).statusCode(201);
        put(runCommand("rg-chain", "m1", "b"), dependsOn("a")).statusCode(201);
        put(runCommand("rg-chain", "m1", "c"), dependsOn("b")).statusCode(201);
        put(runCommand("rg-chain", "m1", "other"), Arm.scriptBody("true")).statusCode(201);

        request().post(runCommand("rg-chain", "m1", "a") + "/cancel").then().statusCode(200)
                .body("canceled", equalTo(true));

        assertEquals("Canceled", state(current(machineId, "a")));
        assertCanceledBy(runCommand("rg-chain", "m1", "b"), "a");
        assertCanceledBy(runCommand("rg-chain", "m1", "c"), "b");
        assertEquals("Pending", state(current(machineId, "other")));
    }

    @Test
    void deleteOrReplacementOfADependencyCancelsItsDependents() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-dep-stop", "m1");
        put(runCommand("rg-dep-stop", "m1", "server"), Arm.scriptBody("serve")).statusCode(201);
        OutputRows.running(current(machineId, "server"));
        put(runCommand("rg-dep-stop", "m1", "probe"), dependsOn("server")).statusCode(201);
        put(runCommand("rg-dep-stop", "m1", "setup"), Arm.scriptBody("true")).statusCode(201);
        put(runCommand("rg-dep-stop", "m1", "app"), dependsOn("setup")).statusCode(201);

        request().delete(runCommand("rg-dep-stop", "m1", "server")).then().statusCode(202);
        put(runCommand("rg-dep-stop", "m1", "setup"), Arm.scriptBody("true again")).statusCode(200);

        assertCanceledBy(runCommand("rg-dep-stop", "m1", "probe"), "server");
        assertCanceledBy(runCommand("rg-dep-stop", "m1", "app"), "setup");
    }

    private static CompletableFuture<HttpResponse<String>> putAsync(HttpClient client, String name, String body) {
        URI uri = URI.create("http://localhost:" + RestAssured.port + runCommand("rg-cycle-race", "m1", name)
                + "?api-version=" + Arm.VERSION);
        return client.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", TestAuth.header()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertCanceledBy(String path, String dependency) {
        request().get(path).then().statusCode(200)
                .body("properties.provisioningState", equalTo("Canceled"))
                .body("properties.instanceView.executionState", equalTo("Canceled"))
                .body("properties.instanceView.executionMessage",
                        equalTo("Canceled: dependency '" + dependency + "' ended Canceled"))
                .body("properties.instanceView.endTime", not(nullValue()));
    }

    private static void assertExecution(long machineId, String name, String script, String shell) {
        String execution = current(machineId, name);
        assertEquals(script, Db.queryString("select script from execution where id = ?::uuid", execution));
        assertEquals(shell, Db.queryString("select shell from execution where id = ?::uuid", execution));
    }

    private static String dependsOn(String... names) {
        return "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\"},\"dependsOn\":[\""
                + String.join("\",\"", names) + "\"]}}";
    }

    private static String current(long machineId, String name) {
        return Db.queryString("select current_execution_id::text from run_command where machine_id = ? "
                + "and name = ?", machineId, name);
    }

    private static String state(String execution) {
        return Db.queryString("select state from execution where id = ?::uuid", execution);
    }

    private static SecretBox box() {
        return SecretBox.fromBase64Key(ConfigProvider.getConfig().getValue("runcmd.secrets.key", String.class));
    }
}
