package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A read shows a run command and its current execution from one snapshot. A gateway ends an execution and its
 * run command's provisioning in one statement; here a writer flips both, in one statement each time, as fast
 * as it can while GETs read, and no GET may show one flipped without the other (an ended execution under a run
 * command still "Creating" was once seen by a client polling for the end).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class ConsistentReadTest {

    private static final String FLIP = """
            with flipped as (
                update execution set
                    state = case when state = 'Running' then 'Succeeded' else 'Running' end,
                    exit_code = case when state = 'Running' then 0 end,
                    end_time = case when state = 'Running' then now() end,
                    start_time = coalesce(start_time, now())
                where id = ?::uuid
                returning state)
            update run_command set provisioning_state =
                case when (select state from flipped) = 'Succeeded' then 'Succeeded' else 'Creating' end
            where current_execution_id = ?::uuid""";

    /*
     * Without the snapshot nearly every read is torn; 100 reads stay well inside the test profile's request burst
     * (300) that the whole suite shares from this address.
     */
    @Test
    void aGetNeverShowsAnEndedExecutionUnderAProvisioningStillCreating() throws Exception {
        long machineId = Db.insertMachine(Arm.SUB, "rg-snapshot", "m1");
        String path = runCommand("rg-snapshot", "m1", "flip");
        put(path, Arm.scriptBody("true")).statusCode(201);
        String execution = Db.queryString("select current_execution_id::text from run_command "
                + "where machine_id = ? and name = 'flip'", machineId);

        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> writerFailure = new ArrayList<>();
        Thread writer = new Thread(() -> {
            String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
            try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                    PreparedStatement flip = connection.prepareStatement(FLIP)) {
                flip.setString(1, execution);
                flip.setString(2, execution);
                while (!stop.get()) {
                    assertEquals(1, flip.executeUpdate());
                }
            } catch (Throwable failure) {
                writerFailure.add(failure);
            }
        }, "flipper");
        writer.start();

        List<String> torn = new ArrayList<>();
        int ended = 0;
        int running = 0;
        try {
            for (int i = 0; i < 100 && torn.size() < 5; i++) {
                JsonPath body = request().get(path).then().statusCode(200).extract().jsonPath();
                String provisioning = body.getString("properties.provisioningState");
                String state = body.getString("properties.instanceView.executionState");
                if ("Succeeded".equals(state)) {
                    ended++;
                } else {
                    running++;
                }
                if ("Succeeded".equals(state) != "Succeeded".equals(provisioning)) {
                    torn.add(i + ": " + state + " under provisioningState " + provisioning);
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(writerFailure.isEmpty(), () -> "the writer failed: " + writerFailure);
        assertTrue(ended > 0 && running > 0, "the reads saw only one side of the flips (" + ended + " ended, "
                + running + " running); the test proves nothing");
        assertEquals(List.of(), torn, "reads mixed two versions of the data");
    }
}
