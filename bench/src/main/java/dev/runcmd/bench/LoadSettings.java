package dev.runcmd.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one load sweep runs, read once from the command line and the environment.
 *
 * @param step how long each step keeps its clients busy
 * @param clientCounts the number of concurrent clients of each step, in order
 * @param mix how often each operation is sent ({@code BENCH_MIX})
 * @param honorRetryAfter whether a client waits out a 429/503's {@code Retry-After} before its next request, as
 *     ARM clients do ({@code BENCH_RETRY_AFTER=honor}); by default it does not: the worst case, back to back
 * @param apiSettings the control API's extra settings: the per-client rate limit off, then
 *     {@code BENCH_API_SETTINGS} ({@code k=v,k=v}), which may override it
 */
record LoadSettings(Duration step, List<Integer> clientCounts, Mix mix, boolean honorRetryAfter,
        Map<String, String> apiSettings) {

    private static final int DEFAULT_SECONDS = 6;
    private static final List<Integer> DEFAULT_CLIENTS = List.of(1, 8, 32, 128, 512);

    /** {@code args}: {@code [seconds-per-step] [clients,clients,...]}. */
    static LoadSettings from(String[] args, Map<String, String> env) {
        Duration step = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_SECONDS);
        List<Integer> clients = args.length > 1
                ? Arrays.stream(args[1].split(",")).map(String::trim).map(Integer::valueOf).toList()
                : DEFAULT_CLIENTS;
        // The sweep drives each client far past the per-client rate limit, which it does not measure.
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("runcmd.control.api.max-requests-per-second", "0");
        settings.putAll(parsePairs(env.getOrDefault("BENCH_API_SETTINGS", "")));
        return new LoadSettings(step, List.copyOf(clients), Mix.parse(env.getOrDefault("BENCH_MIX", Mix.DEFAULT)),
                "honor".equals(env.get("BENCH_RETRY_AFTER")), Map.copyOf(settings));
    }

    /** The same settings with another step duration. */
    LoadSettings withStep(Duration other) {
        return new LoadSettings(other, clientCounts, mix, honorRetryAfter, apiSettings);
    }

    private static Map<String, String> parsePairs(String pairs) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("BENCH_API_SETTINGS: expected k=v, got `" + pair + "`");
            }
            parsed.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return parsed;
    }
}
