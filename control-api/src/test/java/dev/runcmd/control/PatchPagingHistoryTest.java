package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.secrets.SecretBox;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * PATCH as a merge into the stored definition followed by a new run, list pages with nextLink, and the execution
 * history. Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class PatchPagingHistoryTest {

    private static final String DEFINITION = """
            {"location":"eastus","tags":{"team":"ops","env":"prod"},"properties":{"source":{"script":"echo $A"},
             "parameters":[{"name":"A","value":"x"}],"protectedParameters":[{"name":"TOKEN","value":"tok-123"}],
             "runAsUser":"svc","runAsPassword":"pw-123","timeoutInSeconds":60}}""";

    @Test
    void tagsOnlyPatchMergesTagsKeepsSecretsAndRunsAgain() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-patch-tags", "m1");
        String path = runCommand("rg-patch-tags", "m1", "job");
        put(path, DEFINITION).statusCode(201);
        String first = current(machineId);

        var patched = patch(path, "{\"tags\":{\"env\":null,\"owner\":\"me\"}}").statusCode(200)
                .body("tags", equalTo(Map.of("team", "ops", "owner", "me")))
                .body("properties.source.script", equalTo("echo $A"))
                .body("properties.parameters[0].value", equalTo("x"))
                .body("properties.runAsUser", equalTo("svc"))
                .body("properties.timeoutInSeconds", equalTo(60))
                .body("properties.provisioningState", equalTo("Updating"))
                .body("properties.instanceView.executionState", equalTo("Pending")).extract();
        Operations.of(patched, "eastus");

        String second = current(machineId);
        assertNotEquals(first, second);
        assertEquals("Canceled", Db.queryString("select state from execution where id = ?::uuid", first));
        SecretBox box = SecretBox.fromBase64Key(ConfigProvider.getConfig().getValue("runcmd.secrets.key",
                String.class));
        assertEquals("[{\"name\":\"TOKEN\",\"value\":\"tok-123\"}]", box.open(Db.queryString(
                "select protected_parameters_enc from execution where id = ?::uuid", second)));
        assertEquals("pw-123", box.open(Db.queryString(
                "select run_as_password_enc from execution where id = ?::uuid", second)));
    }

    @Test
    void propertiesPatchMergesAndReplacesTheSourceKind() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-patch-props", "m1");
        String path = runCommand("rg-patch-props", "m1", "job");
        put(path, DEFINITION).statusCode(201);

        request().contentType("application/merge-patch+json")
                .body("{\"properties\":{\"timeoutInSeconds\":30,\"source\":{\"commandId\":\"Uptime\"},"
                        + "\"protectedParameters\":null,\"runAsUser\":null,\"runAsPassword\":null}}")
                .patch(path).then().statusCode(200)
                .body("properties.source.commandId", equalTo("Uptime"))
                .body("properties.source.script", nullValue())
                .body("properties.timeoutInSeconds", equalTo(30))
                .body("properties.parameters[0].name", equalTo("A"))
                .body("properties", not(hasKey("runAsUser")))
                .body("properties", not(hasKey("runAsPassword")));
        String execution = current(machineId);
        assertEquals("uptime", Db.queryString("select script from execution where id = ?::uuid", execution));
        assertEquals("SHELL_POSIX", Db.queryString("select shell from execution where id = ?::uuid", execution));
        assertNull(Db.queryString("select protected_parameters_enc from execution where id = ?::uuid", execution));
        assertNull(Db.queryString("select run_as_password_enc from run_command where machine_id = ?", machineId));

        long runs = Db.queryLong("select count(*) from execution where machine_id = ?", machineId);
        patch(path, "{\"properties\":{\"timeoutInSeconds\":\"soon\"}}").statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", containsString("'properties.timeoutInSeconds'"));
        patch(path, "[]").statusCode(400).body("error.code", equalTo("InvalidRequestContent"));
        assertEquals(runs, Db.queryLong("select count(*) from execution where machine_id = ?", machineId));
        patch(runCommand("rg-patch-props", "m1", "absent"), "{}").statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"));
    }

    @Test
    void listPagesWithNextLinkAcrossThreePages() {
        Db.insertMachine(Arm.SUB, "rg-pages", "m1");
        for (String name : List.of("e", "c", "a", "d", "b")) {
            put(runCommand("rg-pages", "m1", name), Arm.scriptBody("echo " + name)).statusCode(201);
        }
        List<List<String>> pages = new ArrayList<>();
        String next = "http://localhost:" + RestAssured.port + Arm.runCommands("rg-pages", "m1")
                + "?api-version=" + Arm.VERSION + "&$top=2&$expand=instanceView";
        while (next != null) {
            JsonPath page = given().urlEncodingEnabled(false).get(next).then().statusCode(200).extract().jsonPath();
            pages.add(page.getList("value.name"));
            assertEquals(page.getList("value").size(), page.getList("value.properties.instanceView").size());
            next = page.getString("nextLink");
            if (next != null) {
                assertTrue(next.contains("api-version=" + Arm.VERSION) && next.contains("$top=2")
                        && next.contains("$expand=instanceView") && next.contains("$skipToken="), next);
            }
        }
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d"), List.of("e")), pages);
        request().get(Arm.runCommands("rg-pages", "m1")).then().statusCode(200)
                .body("value.size()", equalTo(5)).body("nextLink", nullValue());
    }

    @Test
    void invalidPagingParametersAreRefused() {
        Db.insertMachine(Arm.SUB, "rg-pages-bad", "m1");
        String list = Arm.runCommands("rg-pages-bad", "m1");
        for (String top : List.of("0", "1001", "two")) {
            request().queryParam("$top", top).get(list).then().statusCode(400)
                    .body("error.code", equalTo("InvalidRequestContent"))
                    .body("error.message", containsString("$top"));
        }
        String historyToken = Base64.getUrlEncoder().encodeToString("ex1:1:x".getBytes());
        for (String token : List.of("%%%", historyToken)) {
            request().queryParam("$skipToken", token).get(list).then().statusCode(400)
                    .body("error.message", containsString("$skipToken"));
        }
    }

    @Test
    void executionHistoryIsNewestFirstAndPaged() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-history", "m1");
        String path = runCommand("rg-history", "m1", "job");
        put(path, Arm.scriptBody("echo 1")).statusCode(201);
        String first = current(machineId);
        OutputRows.running(first);
        OutputRows.end(first, "Succeeded", 0, "done");
        put(path, Arm.scriptBody("echo 2")).statusCode(200);
        String second = current(machineId);
        OutputRows.running(second);
        put(path, Arm.scriptBody("echo 3")).statusCode(200);
        String third = current(machineId);

        JsonPath page = request().queryParam("$top", 2).get(path + "/executions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(third, second), page.getList("value.executionId"));
        assertEquals(List.of("Pending", "Running"), page.getList("value.executionState"));
        assertNull(page.get("value[0].exitCode"));
        assertTrue(!Instant.parse(page.getString("value[0].createdTime"))
                .isBefore(Instant.parse(page.getString("value[1].createdTime"))));
        assertNull(page.get("value[0].startTime"));
        assertTrue(page.getString("value[1].startTime").endsWith("Z"));
        JsonPath last = given().urlEncodingEnabled(false).get(page.getString("nextLink")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(first), last.getList("value.executionId"));
        assertEquals("Succeeded", last.getString("value[0].executionState"));
        assertEquals(0, last.getInt("value[0].exitCode"));
        assertEquals("done", last.getString("value[0].executionMessage"));
        assertNull(last.get("nextLink"));
        request().get(runCommand("rg-history", "m1", "absent") + "/executions").then().statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"));
    }

    private static ValidatableResponse patch(String path, String json) {
        return request().contentType(ContentType.JSON).body(json).patch(path).then();
    }

    private static String current(long machineId) {
        return Db.queryString("select current_execution_id::text from run_command where machine_id = ?", machineId);
    }
}
