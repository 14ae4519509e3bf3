package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * ARM long-running operations: the headers of PUT and DELETE, and the status and result URLs as the execution
 * they track moves (rows updated over JDBC as a gateway would). Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class LongRunningOperationTest {

    @Test
    void putOperationCompletesWhenTheScriptEndsWhateverItsExitCode() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-lro-sync", "m1");
        String path = runCommand("rg-lro-sync", "m1", "job");
        ExtractableResponse<Response> created = put(path, Arm.scriptBody("exit 3")).statusCode(201)
                .body("properties.provisioningState", equalTo("Creating")).extract();
        Operations operation = Operations.of(created, "eastus");
        String execution = current(machineId, "job");

        JsonPath pending = operation.status();
        assertEquals("InProgress", pending.getString("status"));
        assertNotNull(pending.getString("startTime"));
        assertNull(pending.get("endTime"));
        assertNull(pending.get("error"));
        ExtractableResponse<Response> polling = operation.result();
        assertEquals(202, polling.statusCode());
        assertEquals(operation.resultUrl(), polling.header("Location"));
        assertEquals("1", polling.header("Retry-After"));

        OutputRows.running(execution);
        assertEquals("InProgress", operation.statusValue());
        exit(execution, "Failed", 3);

        JsonPath done = operation.status();
        assertEquals("Succeeded", done.getString("status"));
        assertNotNull(done.getString("endTime"));
        assertNull(done.get("error"));
        ExtractableResponse<Response> result = operation.result();
        assertEquals(200, result.statusCode());
        assertEquals("job", result.path("name"));
        assertEquals("Failed", result.path("properties.instanceView.executionState"));
        assertEquals(Integer.valueOf(3), result.path("properties.instanceView.exitCode"));

        Operations second = Operations.of(put(path, Arm.scriptBody("true")).statusCode(200).extract(), "eastus");
        assertNotEquals(operation.id(), second.id());
        assertEquals("InProgress", second.statusValue());
        assertEquals("Succeeded", operation.statusValue());
    }

    @Test
    void asyncExecutionCompletesWhenTheScriptStarts() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-lro-async", "m1");
        String body = "{\"location\":\"westeurope\",\"properties\":{\"source\":{\"script\":\"sleep 60\"},"
                + "\"asyncExecution\":true}}";
        Operations operation = Operations.of(put(runCommand("rg-lro-async", "m1", "bg"), body).statusCode(201)
                .extract(), "westeurope");
        String execution = current(machineId, "bg");
        Db.execute("update execution set state = 'Dispatched' where id = ?::uuid", execution);
        assertEquals("InProgress", operation.statusValue());

        OutputRows.running(execution);

        assertEquals("Succeeded", operation.statusValue());
        assertEquals(200, operation.result().statusCode());
    }

    @Test
    void rejectedExecutionFailsTheOperationAndCancelCancelsIt() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-lro-fail", "m1");
        Operations rejected = Operations.of(put(runCommand("rg-lro-fail", "m1", "rejected"),
                Arm.scriptBody("true")).statusCode(201).extract(), "eastus");
        Db.execute("update execution set state = 'Failed', message = 'Rejected by the agent: no such user', "
                + "end_time = now() where id = ?::uuid", current(machineId, "rejected"));
        Db.execute("update run_command set provisioning_state = 'Failed' where name = 'rejected'");

        JsonPath failed = rejected.status();
        assertEquals("Failed", failed.getString("status"));
        assertEquals("RunCommandFailed", failed.getString("error.code"));
        assertEquals("Rejected by the agent: no such user", failed.getString("error.message"));

        Operations canceled = Operations.of(put(runCommand("rg-lro-fail", "m1", "stopped"),
                Arm.scriptBody("true")).statusCode(201).extract(), "eastus");
        request().post(runCommand("rg-lro-fail", "m1", "stopped") + "/cancel").then().statusCode(200);
        JsonPath stopped = canceled.status();
        assertEquals("Canceled", stopped.getString("status"));
        assertEquals("Canceled", stopped.getString("error.code"));
        assertEquals("Canceled before it started", stopped.getString("error.message"));
    }

    @Test
    void replacingPutCancelsTheOperationOfThePreviousRun() {
        Db.insertMachine(Arm.SUB, "rg-lro-replace", "m1");
        String path = runCommand("rg-lro-replace", "m1", "job");
        Operations first = Operations.of(put(path, Arm.scriptBody("echo 1")).statusCode(201).extract(), "eastus");
        put(path, Arm.scriptBody("echo 2")).statusCode(200);

        JsonPath status = first.status();
        assertEquals("Canceled", status.getString("status"));
        assertEquals("Canceled: replaced by an update before it was delivered", status.getString("error.message"));
    }

    @Test
    void deleteAnswers202WithACompletedOperationThen404And204() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-lro-delete", "m1");
        String path = runCommand("rg-lro-delete", "m1", "job");
        Operations putOperation = Operations.of(put(path, Arm.scriptBody("sleep 100")).statusCode(201).extract(),
                "eastus");
        OutputRows.running(current(machineId, "job"));

        ExtractableResponse<Response> deleted = request().delete(path).then().statusCode(202).extract();
        Operations deleteOperation = Operations.of(deleted, "eastus");

        assertEquals("Succeeded", deleteOperation.statusValue());
        assertEquals(204, deleteOperation.result().statusCode());
        request().get(path).then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        assertEquals("Canceled", putOperation.statusValue());
        ExtractableResponse<Response> gone = putOperation.result();
        assertEquals(404, gone.statusCode());
        assertEquals("ResourceNotFound", gone.path("error.code"));
        request().delete(path).then().statusCode(204);
    }

    @Test
    void operationUrlsAreCaseInsensitiveAndScopedToTheirSubscriptionAndLocation() {
        Db.insertMachine(Arm.SUB, "rg-lro-scope", "m1");
        Operations operation = Operations.of(put(runCommand("rg-lro-scope", "m1", "job"), Arm.scriptBody("true"))
                .statusCode(201).extract(), "eastus");

        given().get(operation.statusUrl().replace("/providers/Microsoft.HybridCompute/locations/",
                "/providers/microsoft.hybridcompute/locations/").replace("operationStatuses", "operationstatuses"))
                .then().statusCode(200).body("name", equalTo(operation.id()));
        for (String url : new String[] {
                operation.statusUrl().replace(Arm.SUB, "00000000-0000-0000-0000-000000000002"),
                operation.statusUrl().replace("/eastus/", "/westus/"),
                operation.statusUrl().replace(operation.id(), UUID.randomUUID().toString()),
                operation.resultUrl().replace(operation.id(), "not-an-id")}) {
            given().get(url).then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        }
        given().get(operation.statusUrl().replace("api-version=" + Arm.VERSION, "api-version=2020-01-01"))
                .then().statusCode(400).body("error.code", equalTo("InvalidApiVersionParameter"));
    }

    private static String current(long machineId, String name) {
        return Db.queryString("select current_execution_id::text from run_command where machine_id = ? "
                + "and name = ?", machineId, name);
    }

    /** Ends the execution and marks the provisioning Succeeded, as a gateway does on Exited. */
    private static void exit(String execution, String state, int exitCode) {
        OutputRows.end(execution, state, exitCode, "");
        Db.execute("update run_command set provisioning_state = 'Succeeded' where current_execution_id = ?::uuid",
                execution);
    }
}
