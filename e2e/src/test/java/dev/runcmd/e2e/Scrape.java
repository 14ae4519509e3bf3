package dev.runcmd.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a Prometheus text endpoint, read as a test reads it: the sum of a metric's matching samples. */
record Scrape(String text) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)",
            Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Scrapes {@code http://127.0.0.1:<port>/q/metrics} in the Prometheus text format (without Accept, the registry
     * answers OpenMetrics, whose HELP lines name counters without {@code _total}); fails unless it answers 200.
     */
    static Scrape of(int port) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                            .header("Accept", "text/plain; version=0.0.4").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new AssertionError("/q/metrics on port " + port + " answered " + answer.statusCode());
            }
            return new Scrape(answer.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The sum of the samples named {@code name} whose labels include all of {@code labels}; 0 when none. */
    double sum(String name, Map<String, String> labels) {
        double sum = 0;
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (sample.group(1).equals(name) && hasLabels(sample.group(3), labels)) {
                sum += Double.parseDouble(sample.group(4));
            }
        }
        return sum;
    }

    /** {@link #sum(String, Map)} over every label set. */
    double sum(String name) {
        return sum(name, Map.of());
    }

    /** True when the endpoint describes {@code name} with a HELP line. */
    boolean describes(String name) {
        return text.contains("# HELP " + name + " ");
    }

    private static boolean hasLabels(String text, Map<String, String> wanted) {
        if (wanted.isEmpty()) {
            return true;
        }
        Map<String, String> found = new java.util.HashMap<>();
        if (text != null) {
            Matcher label = LABEL.matcher(text);
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
        }
        return wanted.entrySet().stream().allMatch(entry -> entry.getValue().equals(found.get(entry.getKey())));
    }
}
