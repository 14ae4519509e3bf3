package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static dev.runcmd.control.Arm.runCommands;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code properties.deliveryTimeoutInSeconds}: validated like timeoutInSeconds, stored, shown in every view,
 * merged by PATCH, and turned into each new execution's {@code deliver_by} by PostgreSQL's clock, committed
 * before the PUT or PATCH is answered.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class DeliveryTimeoutTest {

    private static final String DELIVER_WITHIN = "select extract(epoch from e.deliver_by - now())::bigint "
            + "from execution e join run_command r on e.id = r.current_execution_id where r.id = "
            + "(select r2.id from run_command r2 join machine m on m.id = r2.machine_id "
            + "where m.resource_group = ? and r2.name = ?)";

    @Test
    void defaultIsOneDayForTheViewTheRowAndTheDeadline() {
        Db.insertMachine(Arm.SUB, "rg-deliver-default", "m1");
        put(runCommand("rg-deliver-default", "m1", "job"), Arm.scriptBody("echo")).statusCode(201)
                .body("properties.deliveryTimeoutInSeconds", equalTo(86400));
        assertDeliverWithin(86400, "rg-deliver-default", "job");
        request().get(runCommands("rg-deliver-default", "m1")).then().statusCode(200)
                .body("value[0].properties.deliveryTimeoutInSeconds", equalTo(86400));
    }

    @Test
    void putAndPatchSetTheDeadlineOfEachNewExecution() {
        Db.insertMachine(Arm.SUB, "rg-deliver-set", "m1");
        String path = runCommand("rg-deliver-set", "m1", "job");
        put(path, withDeliveryTimeout("600")).statusCode(201).body("properties.deliveryTimeoutInSeconds", equalTo(600));
        assertDeliverWithin(600, "rg-deliver-set", "job");
        patch(path, "{\"properties\":{\"deliveryTimeoutInSeconds\":2592000}}").statusCode(200)
                .body("properties.deliveryTimeoutInSeconds", equalTo(2592000));
        assertDeliverWithin(2592000, "rg-deliver-set", "job");
        patch(path, "{\"tags\":{\"a\":\"b\"}}").statusCode(200)
                .body("properties.deliveryTimeoutInSeconds", equalTo(2592000));
        assertDeliverWithin(2592000, "rg-deliver-set", "job");
        request().get(path).then().statusCode(200).body("properties.deliveryTimeoutInSeconds", equalTo(2592000));
        assertEquals(3, Db.queryLong("select count(*) from execution e join run_command r on r.id = e.run_command_id "
                + "join machine m on m.id = r.machine_id where m.resource_group = 'rg-deliver-set'"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zero          | 0
            too large     | 2592001
            string        | "60"
            fraction      | 1.5
            negative      | -1
            """)
    void invalidValuesAreRefusedAndChangeNothing(String label, String value) {
        String rg = "rg-deliver-bad-" + label.replace(' ', '-');
        Db.insertMachine(Arm.SUB, rg, "m1");
        String path = runCommand(rg, "m1", "job");
        String message = "Invalid request content at 'properties.deliveryTimeoutInSeconds': expected an integer "
                + "from 1 to 2592000.";
        put(path, withDeliveryTimeout(value)).statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent")).body("error.message", equalTo(message));
        request().get(path).then().statusCode(404);
        put(path, withDeliveryTimeout("300")).statusCode(201);
        put(path, withDeliveryTimeout(value)).statusCode(400).body("error.message", equalTo(message));
        patch(path, "{\"properties\":{\"deliveryTimeoutInSeconds\":" + value + "}}").statusCode(400)
                .body("error.message", equalTo(message));
        request().get(path).then().statusCode(200).body("properties.deliveryTimeoutInSeconds", equalTo(300));
        assertEquals(1, Db.queryLong("select count(*) from execution e join run_command r on r.id = e.run_command_id "
                + "join machine m on m.id = r.machine_id where m.resource_group = ?", rg));
    }

    private static String withDeliveryTimeout(String value) {
        return "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"echo\"},"
                + "\"deliveryTimeoutInSeconds\":" + value + "}}";
    }

    private static ValidatableResponse patch(String path, String json) {
        return request().contentType(ContentType.JSON).body(json).patch(path).then();
    }

    /** The current execution's deliver_by lies {@code seconds} after now, give or take the test's own pace. */
    private static void assertDeliverWithin(long seconds, String rg, String name) {
        long within = Db.queryLong(DELIVER_WITHIN, rg, name);
        assertTrue(within <= seconds && within >= seconds - 60, "deliver_by is now() + " + within + " s, expected "
                + seconds);
    }
}
