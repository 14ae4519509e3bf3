package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The run command lifecycle over REST against a real PostgreSQL: create, replace, read with output tail, list,
 * delete; and the machines the agents registered. Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class RunCommandLifecycleTest {

    @Test
    void putOnDisconnectedMachineIsAcceptedAndPending() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-create", "web-1");
        String body = """
                {"location":"eastus","tags":{"team":"ops"},"properties":{"source":{"script":"echo $A $1"},
                 "parameters":[{"name":"A","value":"x"},{"name":"","value":443}],
                 "asyncExecution":true,"timeoutInSeconds":60}}""";
        JsonPath view = put(runCommand("rg-create", "web-1", "hello"), body)
                .statusCode(201).contentType(ContentType.JSON).extract().jsonPath();

        assertEquals(Arm.runCommand("rg-create", "web-1", "hello"), view.getString("id"));
        assertEquals("hello", view.getString("name"));
        assertEquals("Microsoft.HybridCompute/machines/runCommands", view.getString("type"));
        assertEquals("eastus", view.getString("location"));
        assertEquals("ops", view.getString("tags.team"));
        assertEquals("echo $A $1", view.getString("properties.source.script"));
        assertEquals(List.of("A", ""), view.getList("properties.parameters.name"));
        assertEquals(List.of("x", "443"), view.getList("properties.parameters.value"));
        assertThat(view.getList("properties.protectedParameters"), empty());
        assertEquals(true, view.getBoolean("properties.asyncExecution"));
        assertEquals(60, view.getInt("properties.timeoutInSeconds"));
        assertEquals("Creating", view.getString("properties.provisioningState"));
        assertEquals("Pending", view.getString("properties.instanceView.executionState"));
        assertEquals(0, view.getInt("properties.instanceView.exitCode"));
        assertEquals("", view.getString("properties.instanceView.output"));
        assertThat(view.get("properties.instanceView.startTime"), nullValue());

        String executionId = Db.queryString("select current_execution_id::text from run_command "
                + "where machine_id = ? and name = 'hello'", machineId);
        assertEquals("Pending", Db.queryString("select state from execution where id = ?::uuid", executionId));
        assertEquals("echo $A $1", Db.queryString("select script from execution where id = ?::uuid", executionId));
        assertEquals(60, Db.queryLong("select timeout_seconds from execution where id = ?::uuid", executionId));
    }

    @Test
    void secondPutAnswers200AndStartsNewExecution() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-update", "web-1");
        String path = runCommand("rg-update", "web-1", "job");
        put(path, Arm.scriptBody("echo one")).statusCode(201);
        String first = currentExecution(machineId, "job");

        put(path, Arm.scriptBody("echo two")).statusCode(200)
                .body("properties.provisioningState", equalTo("Updating"))
                .body("properties.source.script", equalTo("echo two"))
                .body("properties.instanceView.executionState", equalTo("Pending"));
        String second = currentExecution(machineId, "job");

        assertThat(second, not(equalTo(first)));
        assertEquals("Canceled", Db.queryString("select state from execution where id = ?::uuid", first));
        assertThat(Db.queryString("select message from execution where id = ?::uuid", first),
                containsString("replaced by an update"));
        assertEquals("echo two", Db.queryString("select script from execution where id = ?::uuid", second));

        Db.execute("update execution set state = 'Succeeded', exit_code = 0 where id = ?::uuid", second);
        put(path, Arm.scriptBody("echo three")).statusCode(200);
        assertEquals("Succeeded", Db.queryString("select state from execution where id = ?::uuid", second));
        assertEquals(3, Db.queryLong("select count(*) from execution where machine_id = ?", machineId));
    }

    @Test
    void concurrentPutsOfANewNameCreateOnceAndReplaceTheRest() throws Exception {
        long machineId = Db.insertMachine(Arm.SUB, "rg-race", "web-1");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://localhost:" + RestAssured.port + runCommand("rg-race", "web-1", "rc")
                + "?api-version=" + Arm.VERSION);
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 6)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", TestAuth.header()).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(Arm.scriptBody("echo " + i))).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            statuses.add(call.get(15, TimeUnit.SECONDS).statusCode());
        }
        statuses.sort(null);
        assertEquals(List.of(200, 200, 200, 200, 200, 201), statuses);
        assertEquals(1, Db.queryLong("select count(*) from run_command where machine_id = ?", machineId));
        assertEquals(1, Db.queryLong("select count(*) from execution where machine_id = ? and state = 'Pending'",
                machineId));
        assertEquals(5, Db.queryLong("select count(*) from execution where machine_id = ? and state = 'Canceled'",
                machineId));
    }

    @Test
    void protectedParametersNeverEchoed() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-secret", "web-1");
        String body = """
                {"location":"eastus","properties":{"source":{"script":"echo hi"},
                 "protectedParameters":[{"name":"TOKEN","value":"s3cr3t-token-value"},{"name":"","value":"pos-s3cr3t"}]}}""";
        String putResponse = put(runCommand("rg-secret", "web-1", "secret"), body).statusCode(201)
                .body("properties.protectedParameters", empty()).extract().asString();
        String getResponse = request().get(runCommand("rg-secret", "web-1", "secret")).then().statusCode(200)
                .body("properties.protectedParameters", empty()).extract().asString();
        String listResponse = request().get(Arm.runCommands("rg-secret", "web-1")).then().statusCode(200)
                .body("value[0].properties.protectedParameters", empty()).extract().asString();

        for (String response : new String[] {putResponse, getResponse, listResponse}) {
            assertThat(response, not(containsString("s3cr3t")));
            assertThat(response, not(containsString("runAsPassword")));
        }
        String stored = Db.queryString("select protected_parameters::text || protected_parameters_enc "
                + "from execution where machine_id = ?", machineId);
        assertThat(stored, startsWith("[]v1:"));
        assertThat(stored, not(containsString("s3cr3t")));
    }

    @Test
    void getShowsTailOfOutput() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-tail", "web-1");
        put(runCommand("rg-tail", "web-1", "noisy"), Arm.scriptBody("yes")).statusCode(201);
        String execution = currentExecution(machineId, "noisy");

        // 6000 bytes: the window of the last 4096 starts at 1904, inside the 4-byte emoji at 1902..1905.
        String expectedTail = "é".repeat(100) + "z".repeat(3894);
        byte[] stdout = concat(("a".repeat(1902) + "\uD83D\uDE00").getBytes(StandardCharsets.UTF_8),
                expectedTail.getBytes(StandardCharsets.UTF_8));
        assertEquals(6000, stdout.length);
        for (int offset = 0; offset < stdout.length; offset += 1000) {
            insertChunk(execution, 1, offset, Arrays.copyOfRange(stdout, offset, offset + 1000));
        }
        insertChunk(execution, 2, 0, "oops\n".getBytes(StandardCharsets.UTF_8));
        Db.execute("update execution set state = 'Running', start_time = timestamptz '2026-11-26 10:00:01+00', "
                + "stdout_bytes = 6000, stderr_bytes = 5 where id = ?::uuid", execution);

        request().get(runCommand("rg-tail", "web-1", "noisy")).then().statusCode(200)
                .body("properties.instanceView.output", equalTo(expectedTail))
                .body("properties.instanceView.error", equalTo("oops\n"))
                .body("properties.instanceView.executionState", equalTo("Running"))
                .body("properties.instanceView.startTime", equalTo("2026-11-26T10:00:01Z"))
                .body("properties.instanceView.endTime", nullValue());
        request().get(Arm.runCommands("rg-tail", "web-1")).then().statusCode(200)
                .body("value[0].properties.instanceView.output", equalTo(expectedTail));
    }

    @Test
    void listReturnsValueArray() {
        Db.insertMachine(Arm.SUB, "rg-list", "web-1");
        Db.insertMachine(Arm.SUB, "rg-list", "idle");
        put(runCommand("rg-list", "web-1", "zeta"), Arm.scriptBody("echo z")).statusCode(201);
        put(runCommand("rg-list", "web-1", "alpha"), Arm.scriptBody("echo a")).statusCode(201);

        request().get(Arm.runCommands("rg-list", "web-1")).then().statusCode(200)
                .body("value.name", contains("alpha", "zeta"))
                .body("value[0].properties.instanceView.executionState", equalTo("Pending"));
        request().get(Arm.runCommands("rg-list", "idle")).then().statusCode(200)
                .body("value", empty());
        // ARM treats fixed path segments case-insensitively.
        request().get(Arm.runCommands("rg-list", "web-1").replace("resourceGroups", "resourcegroups")
                .replace("Microsoft.HybridCompute", "microsoft.hybridcompute").replace("runCommands", "runcommands"))
                .then().statusCode(200).body("value.name", contains("alpha", "zeta"));
    }

    @Test
    void deleteRemovesResourceThen404() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-delete", "web-1");
        String path = runCommand("rg-delete", "web-1", "gone");
        put(path, Arm.scriptBody("echo bye")).statusCode(201);
        String execution = currentExecution(machineId, "gone");
        insertChunk(execution, 1, 0, "bye\n".getBytes(StandardCharsets.UTF_8));

        String body = request().delete(path).then().statusCode(202).extract().asString();
        assertEquals("", body);
        request().get(path).then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        assertEquals(0, Db.queryLong("select count(*) from execution where machine_id = ?", machineId));
        assertEquals(0, Db.queryLong("select count(*) from output_chunk where execution_id = ?::uuid", execution));
    }

    @Test
    void deleteAbsentIs204() {
        Db.insertMachine(Arm.SUB, "rg-delete-absent", "web-1");
        request().delete(runCommand("rg-delete-absent", "web-1", "never")).then().statusCode(204);
        request().delete(runCommand("rg-delete-absent", "no-machine", "never")).then().statusCode(204);
    }

    @Test
    void machinesListAndShow() {
        Db.insertMachine(Arm.SUB, "rg-machines", "db-2");
        Db.insertMachine(Arm.SUB, "rg-machines", "app-1");
        request().get(Arm.machines("rg-machines")).then().statusCode(200)
                .body("value.name", contains("app-1", "db-2"));
        request().get(Arm.machines("rg-machines") + "/db-2").then().statusCode(200)
                .body("id", equalTo(Arm.machines("rg-machines") + "/db-2"))
                .body("type", equalTo("Microsoft.HybridCompute/machines"))
                .body("properties.status", equalTo("Connected"))
                .body("properties.osName", equalTo("Linux"))
                .body("properties.osVersion", equalTo("6.1"))
                .body("properties.agentVersion", equalTo("0.1.0"))
                .body("properties.lastStatusChange", equalTo("2026-11-26T10:00:00Z"))
                .body("properties", not(hasKey("agentPolicy")));
        Db.execute("update machine set agent_policy = 'run command disabled' where name = 'app-1'");
        request().get(Arm.machines("rg-machines") + "/app-1").then().statusCode(200)
                .body("properties.agentPolicy", equalTo("run command disabled"));
        request().get(Arm.machines("rg-machines") + "/nope").then().statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"));
    }

    @Test
    void internalErrorNeverLeaksStackTrace() {
        Db.insertMachine(Arm.SUB, "rg-broken", "web-1");
        put(runCommand("rg-broken", "web-1", "rc"), Arm.scriptBody("echo hi")).statusCode(201);
        Db.execute("alter table output_chunk rename to output_chunk_hidden");
        try {
            String body = request().get(runCommand("rg-broken", "web-1", "rc")).then().statusCode(500)
                    .contentType(ContentType.JSON)
                    .body("error.code", equalTo("InternalServerError"))
                    .body("error.message", equalTo("an internal error occurred; see the server log"))
                    .extract().asString();
            assertThat(body, not(containsString("Exception")));
            assertThat(body, not(containsString("output_chunk")));
        } finally {
            Db.execute("alter table output_chunk_hidden rename to output_chunk");
        }
    }

    private static String currentExecution(long machineId, String name) {
        return Db.queryString("select current_execution_id::text from run_command where machine_id = ? and name = ?",
                machineId, name);
    }

    private static void insertChunk(String executionId, int stream, long offset, byte[] data) {
        Db.execute("insert into output_chunk (execution_id, stream, \"offset\", data) values (?::uuid, ?, ?, ?)",
                executionId, (short) stream, offset, data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
