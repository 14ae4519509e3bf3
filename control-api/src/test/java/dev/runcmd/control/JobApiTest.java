package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Jobs.body;
import static dev.runcmd.control.Jobs.job;
import static dev.runcmd.control.Jobs.machines;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Fan-out jobs through the REST API, with executions moved over JDBC as a gateway would: maxConcurrency holds the
 * rest back, maxErrors stops the job and cancels what never started, cancel and delete, tag targets, paged
 * targets, the operation, and bad bodies that change nothing. Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class JobApiTest {

    private static final String LIVE = "('Pending', 'Dispatched', 'Running')";

    @Test
    void maxConcurrencyHoldsTheRestBackUntilTargetsEnd() {
        String rg = "rg-job-conc";
        machines(rg, 5);
        put(job(rg, "patch"), body("[\"m0\",\"m1\",\"m2\",\"m3\",\"m4\"]", "{}", "2", "0"))
                .statusCode(201)
                .header("Azure-AsyncOperation", containsString("/operationStatuses/"))
                .body("properties.provisioningState", equalTo("Running"))
                .body("properties.targetCount", equalTo(5));
        // Every target has its run command at once, visible through the machine API.
        for (int i = 0; i < 5; i++) {
            request().get(Arm.runCommand(rg, "m" + i, "patch")).then().statusCode(200)
                    .body("properties.instanceView.executionState", equalTo("Pending"));
        }
        awaitTrue(() -> released(rg) == 2, "two targets released");
        assertEquals(2, released(rg), "maxConcurrency 2");
        endReleased(rg, "Succeeded", 0);
        awaitTrue(() -> released(rg) == 4, "two more released once two ended");
        endReleased(rg, "Succeeded", 0);
        awaitTrue(() -> released(rg) == 5, "the last one released");
        endReleased(rg, "Succeeded", 0);
        awaitTrue(() -> state(rg, "patch").equals("Succeeded"), "job ends Succeeded");
        request().get(job(rg, "patch")).then().statusCode(200)
                .body("properties.executionStateCounts.Succeeded", equalTo(5))
                .body("properties.endTime", notNullValue());
    }

    @Test
    void moreFailuresThanMaxErrorsStopTheJobAndCancelWhatNeverStarted() {
        String rg = "rg-job-errors";
        machines(rg, 6);
        put(job(rg, "risky"), body("[\"m0\",\"m1\",\"m2\",\"m3\",\"m4\",\"m5\"]", "{}", "2", "1")).statusCode(201);
        awaitTrue(() -> released(rg) == 2, "two released");
        endReleased(rg, "Failed", 3);
        awaitTrue(() -> state(rg, "risky").equals("Failed"), "job ends Failed");
        JsonPath shown = request().get(job(rg, "risky")).then().statusCode(200).extract().jsonPath();
        assertEquals(2, shown.getInt("properties.executionStateCounts.Failed"));
        assertEquals(4, shown.getInt("properties.executionStateCounts.Canceled"));
        assertTrue(shown.getString("properties.message").contains("maxErrors (1)"), shown.prettify());
        request().get(Arm.runCommand(rg, "m5", "risky")).then().statusCode(200)
                .body("properties.instanceView.executionState", equalTo("Canceled"))
                .body("properties.instanceView.executionMessage", containsString("started no more targets"));
    }

    @Test
    void cancelStopsWhatRunsAndStartsNothingMore() {
        String rg = "rg-job-cancel";
        machines(rg, 4);
        put(job(rg, "long"), body("[\"m0\",\"m1\",\"m2\",\"m3\"]", "{}", "1", "0")).statusCode(201);
        awaitTrue(() -> released(rg) == 1, "one released");
        Db.execute("update execution set state = 'Running', start_time = now() where run_command_name = 'long' "
                + "and machine_id in (select id from machine where resource_group = ?) and cardinality(waiting_for) = 0",
                rg);
        request().post(job(rg, "long") + "/cancel").then().statusCode(200)
                .body("properties.executionStateCounts.Canceled", equalTo(3))
                .body("properties.executionStateCounts.Running", equalTo(1));
        // The agent reports the running one canceled; the job then ends Canceled.
        endReleased(rg, "Canceled", 137);
        awaitTrue(() -> state(rg, "long").equals("Canceled"), "job ends Canceled");
        assertEquals(1, released(rg), "nothing more was started");
    }

    @Test
    void tagsSelectTargetsAndTargetsArePaged() {
        String rg = "rg-job-tags";
        machines(rg, 5);
        Db.execute("update machine set tags = '{\"env\":\"prod\"}'::jsonb where resource_group = ? "
                + "and name in ('m1', 'm3', 'm4')", rg);
        put(job(rg, "tagged"), body("[\"m0\"]", "{\"env\":\"prod\"}", "100%", "0")).statusCode(201)
                .body("properties.targetCount", equalTo(4));
        JsonPath first = request().queryParam("$top", 3).get(job(rg, "tagged") + "/targets").then().statusCode(200)
                .body("value", hasSize(3)).extract().jsonPath();
        assertEquals(List.of("m0", "m1", "m3"), first.getList("value.machine"));
        assertTrue(first.getString("value[0].runCommandId").endsWith("/machines/m0/runCommands/tagged"));
        String next = first.getString("nextLink");
        request().get(next.substring(next.indexOf("/subscriptions/"))).then().statusCode(200)
                .body("value.machine", equalTo(List.of("m4"))).body("nextLink", equalTo(null));
    }

    @Test
    void deleteRemovesTheJobAndItsRunCommands() {
        String rg = "rg-job-delete";
        machines(rg, 2);
        put(job(rg, "gone"), body("[\"m0\",\"m1\"]", "{}", "1", "0")).statusCode(201);
        request().delete(job(rg, "gone")).then().statusCode(202).header("Azure-AsyncOperation", notNullValue());
        request().get(job(rg, "gone")).then().statusCode(404);
        request().get(Arm.runCommand(rg, "m0", "gone")).then().statusCode(404);
        request().delete(job(rg, "gone")).then().statusCode(204);
    }

    @Test
    void theOperationCompletesWithTheJobAndARunningJobCannotBeReplaced() {
        String rg = "rg-job-op";
        machines(rg, 1);
        String operation = put(job(rg, "op"), body("[\"m0\"]", "{}", "1", "0")).statusCode(201)
                .extract().header("Azure-AsyncOperation");
        String path = operation.substring(operation.indexOf("/subscriptions/"));
        request().get(path).then().statusCode(200).body("status", equalTo("InProgress"));
        put(job(rg, "op"), body("[\"m0\"]", "{}", "1", "0")).statusCode(409)
                .body("error.code", equalTo("Conflict"));
        awaitTrue(() -> released(rg) == 1, "released");
        endReleased(rg, "Succeeded", 0);
        awaitTrue(() -> "Succeeded".equals(request().get(path).then().extract().path("status")), "op done");
        // An ended job is replaced: 200, and it runs again.
        put(job(rg, "op"), body("[\"m0\"]", "{}", "1", "0")).statusCode(200)
                .body("properties.provisioningState", equalTo("Running"));
    }

    @Test
    void badBodiesAreRefusedAndChangeNothing() {
        String rg = "rg-job-bad";
        machines(rg, 1);
        put(job(rg, "bad"), body("[\"nope\"]", "{}", "1", "0")).statusCode(400)
                .body("error.message", containsString("nope"));
        put(job(rg, "bad"), body("[\"m0\"]", "{}", "0", "0")).statusCode(400)
                .body("error.message", containsString("maxConcurrency"));
        put(job(rg, "bad"), body("[\"m0\"]", "{}", "1", "101%")).statusCode(400)
                .body("error.message", containsString("maxErrors"));
        put(job(rg, "bad"), body("[]", "{}", "1", "0")).statusCode(400)
                .body("error.message", containsString("targets"));
        put(job(rg, "bad"), body("[]", "{\"env\":\"none\"}", "1", "0")).statusCode(400)
                .body("error.message", containsString("properties.targets.tags"));
        put(job(rg, "bad"), """
                {"location":"eastus","properties":{"targets":{"machines":["m0"]},
                 "runCommand":{"source":{"script":"true"},"dependsOn":["x"]}}}""").statusCode(400);
        request().get(job(rg, "bad")).then().statusCode(404);
        assertEquals(0, Db.queryLong("select count(*) from run_command r join machine m on m.id = r.machine_id "
                + "where m.resource_group = ?", rg));
    }

    /** Targets of the resource group's executions the job has released (no longer waiting for it). */
    private static long released(String rg) {
        return Db.queryLong("select count(*) from execution e join machine m on m.id = e.machine_id "
                + "where m.resource_group = ? and cardinality(e.waiting_for) = 0 "
                + "and e.message not like 'Canceled: the job%'", rg);
    }

    /** Ends every released, not yet ended execution of the resource group as a gateway would. */
    private static void endReleased(String rg, String state, int exitCode) {
        Db.execute("update execution set state = ?, exit_code = ?, end_time = now() where state in " + LIVE
                + " and cardinality(waiting_for) = 0 and machine_id in (select id from machine where resource_group = ?)",
                state, exitCode, rg);
    }

    private static String state(String rg, String name) {
        return request().get(job(rg, name)).then().statusCode(200).extract().path("properties.provisioningState");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
