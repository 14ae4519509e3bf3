package dev.runcmd.control;

import static dev.runcmd.control.Arm.SUB;

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
}
