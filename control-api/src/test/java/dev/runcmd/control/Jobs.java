package dev.runcmd.control;

import static dev.runcmd.control.Arm.SUB;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Paths, bodies and machines for the tests of fan-out jobs. */
final class Jobs {

    private Jobs() {
    }

    /** The path of job {@code name} in resource group {@code rg}. */
    static String job(String rg, String name) {
        return "/subscriptions/" + SUB + "/resourceGroups/" + rg
                + "/providers/Microsoft.HybridCompute/runCommandJobs/" + name;
    }

    /** A PUT body: machines and tags as JSON, the limits as given, a script that would run as {@code svc}. */
    static String body(String machines, String tags, String concurrency, String errors) {
        return """
                {"location":"eastus","properties":{"targets":{"machines":%s,"tags":%s},
                 "maxConcurrency":"%s","maxErrors":"%s","runCommand":{"source":{"script":"true"},"runAsUser":"svc"}}}"""
                .formatted(machines, tags, concurrency, errors);
    }

    /** Registers machines {@code m0} to {@code m<count-1>} in the resource group. */
    static void machines(String rg, int count) {
        for (int i = 0; i < count; i++) {
            Db.insertMachine(SUB, rg, "m" + i);
        }
    }

    /**
     * Waits until {@code count} targets of the resource group's job (the only one in it) are released; their
     * execution ids in the job's order.
     */
    static List<String> awaitReleased(String rg, int count) {
        String released = "select count(*) from run_command_job_target t join run_command_job j on j.id = t.job_id "
                + "where j.resource_group = ? and t.released";
        Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> Db.queryLong(released, rg) >= count);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(Db.queryString("select t.execution_id::text from run_command_job_target t join run_command_job j "
                    + "on j.id = t.job_id where j.resource_group = ? and t.position = ?", rg, i));
        }
        return ids;
    }

    /** Waits until the job's provisioningState, read over REST, is {@code state}. */
    static void awaitState(String rg, String name, String state) {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> state.equals(Arm.request().get(job(rg, name))
                .then().extract().path("properties.provisioningState")));
    }
}
