package dev.runcmd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Prometheus metrics are served on the management interface only, without a credential there, and never on the
 * public port; every runcmd meter of the control API is described, and the gauges read from PostgreSQL carry
 * numbers once read.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class MetricsEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource(value = "/metrics", management = true) // the management root is /q
    URL metrics;

    @Test
    void metricsAreOnTheManagementPortWithHelpTextForEveryRuncmdMeter() throws Exception {
        HttpResponse<String> answer = get(metrics.toURI());

        assertEquals(200, answer.statusCode());
        assertTrue(answer.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                answer.headers().toString());
        for (String meter : List.of("runcmd_executions", "runcmd_store_up", "runcmd_store_outages_total",
                "runcmd_output_followers", "runcmd_rate_limit_refusals_total", "runcmd_unavailable_refusals_total",
                "runcmd_dispatch_call_seconds")) {
            assertTrue(answer.body().contains("# HELP " + meter + " "), meter + " has no HELP line");
        }
    }

    @Test
    void theExecutionGaugesAndStoreUpShowNumbersOnceRead() {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
            String runcmd = runcmdSamples(get(metrics.toURI()).body());
            assertTrue(runcmd.contains("runcmd_store_up 1.0\n")
                    && runcmd.matches("(?s).*runcmd_executions\\{state=\"Running\",?} \\d+\\.0\n.*"), runcmd);
        });
    }

    @Test
    void thePublicPortServesNoMetrics() throws Exception {
        HttpResponse<String> anonymous = get(URI.create("http://localhost:" + RestAssured.port + "/q/metrics"));

        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertFalse(anonymous.body().contains("runcmd_"), anonymous.body());
    }

    private static String runcmdSamples(String body) {
        StringBuilder samples = new StringBuilder();
        body.lines().filter(line -> line.startsWith("runcmd_")).forEach(line -> samples.append(line).append('\n'));
        return samples.toString();
    }

    /** GET in the Prometheus text format (without Accept, the registry answers OpenMetrics). */
    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Accept", "text/plain; version=0.0.4")
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
