package dev.runcmd.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/** The suite's knobs, from system properties (set by the module's pom or on the command line). */
final class ChaosSettings {

    private ChaosSettings() {
    }

    /** How many iterations run: {@code chaos.iterations}, one per fault kind by default. */
    static int iterations() {
        String iterations = property("chaos.iterations", "");
        return iterations.isBlank() ? Fault.values().length : Integer.parseInt(iterations);
    }

    /** The random seed: {@code chaos.seed}, or a fresh one (printed, so a run can be repeated). */
    static long seed() {
        String seed = property("chaos.seed", "");
        return seed.isBlank() ? System.nanoTime() : Long.parseLong(seed);
    }

    /** Where the result table is written: {@code chaos.report}. */
    static String report() {
        return property("chaos.report", "target/chaos-report.md");
    }

    /** Gateway settings to add: {@code chaos.gateway.<key>=<value>} become {@code <key>=<value>}. */
    static Map<String, String> extraGatewaySettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("chaos.gateway."))
                .forEach(name -> settings.put(name.substring("chaos.gateway.".length()), System.getProperty(name)));
        return settings;
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null ? fallback : value;
    }
}
