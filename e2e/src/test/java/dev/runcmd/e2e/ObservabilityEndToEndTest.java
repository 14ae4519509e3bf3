package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The meters and the trace of a run command, read as an operator's Prometheus and collector read them: from each
 * service's {@code /q/metrics} (the control API's management port, the gateway's HTTP port) and from the spans the
 * services export over OTLP.
 */
class ObservabilityEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01");

    private static Stack stack;
    private static Api api;

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
        api = stack.api();
    }

    @Test
    void theMetersMoveWhenACommandRuns() throws Exception {
        Scrape apiBefore = Scrape.of(stack.apiManagementPort());
        Scrape gatewayBefore = Scrape.of(stack.gatewayHttpPort());

        Api.Answer put = api.put(api.runCommand(MACHINE, "metered"),
                body("printf 'out!\\n'; printf 'err\\n' >&2; sleep 3").toString());
        assertEquals(201, put.status(), put.text());
        Waits.until(Duration.ofSeconds(20), "runcmd_executions{state=Running} at least 1", () ->
                Scrape.of(stack.apiManagementPort()).sum("runcmd_executions", Map.of("state", "Running")) >= 1);
        try (Follow follow = Follow.open(api, stack.apiPort(), stack.token(), MACHINE, "metered")) {
            Waits.until(Duration.ofSeconds(10), "runcmd_output_followers at least 1", () ->
                    Scrape.of(stack.apiManagementPort()).sum("runcmd_output_followers") >= 1);
        }
        JsonNode done = awaitTerminal(api, MACHINE, "metered", Duration.ofSeconds(30));
        assertEquals("Succeeded", instanceView(done).path("executionState").asText());

        Scrape apiAfter = Scrape.of(stack.apiManagementPort());
        Scrape gatewayAfter = Scrape.of(stack.gatewayHttpPort());
        assertTrue(increase(apiBefore, apiAfter, "runcmd_dispatch_call_seconds_count",
                Map.of("call", "Dispatch", "outcome", "ok")) >= 1, "the control API timed its Dispatch call");
        assertTrue(increase(gatewayBefore, gatewayAfter, "runcmd_dispatch_to_accepted_seconds_count", Map.of()) >= 1,
                "the gateway timed the agent's acceptance");
        assertTrue(increase(gatewayBefore, gatewayAfter, "runcmd_execution_put_to_terminal_seconds_count",
                Map.of("state", "Succeeded")) >= 1, "the gateway observed the run's end");
        assertTrue(increase(gatewayBefore, gatewayAfter, "runcmd_execution_put_to_terminal_seconds_sum",
                Map.of("state", "Succeeded")) >= 3, "the run took at least its 3 s of sleep");
        assertTrue(increase(gatewayBefore, gatewayAfter, "runcmd_output_ingested_bytes_total",
                Map.of("stream", "stdout")) >= "out!\n".length());
        assertTrue(increase(gatewayBefore, gatewayAfter, "runcmd_output_ingested_bytes_total",
                Map.of("stream", "stderr")) >= "err\n".length());
        assertTrue(gatewayAfter.sum("runcmd_gateway_connected_agents", Map.of("gateway", "gw-1")) >= 1,
                "gw-1 holds at least the main machine's agent");
        assertEquals(1.0, apiAfter.sum("runcmd_store_up"));
        for (String meter : List.of("runcmd_rate_limit_refusals_total", "runcmd_unavailable_refusals_total",
                "runcmd_store_outages_total")) {
            assertTrue(apiAfter.describes(meter), meter + " is described");
        }
    }

    @Test
    void oneTraceRunsFromTheRestRequestThroughTheGatewayToTheAgentsScript() {
        Api.Answer put = api.put(api.runCommand(MACHINE, "traced"), body("printf '%s' \"$TRACEPARENT\"").toString());
        assertEquals(201, put.status(), put.text());
        JsonNode done = awaitTerminal(api, MACHINE, "traced", Duration.ofSeconds(30));
        String scriptContext = instanceView(done).path("output").asText();
        Matcher traceparent = TRACEPARENT.matcher(scriptContext);
        assertTrue(traceparent.matches(), "the script's TRACEPARENT: '" + scriptContext + "'");
        String traceId = traceparent.group(1);

        List<OtlpReceiver.ReceivedSpan> trace = Waits.forValue(Duration.ofSeconds(20), "the spans of trace " + traceId,
                () -> {
                    // The request's own span ends last (after its answer), so it may come in a later export.
                    List<OtlpReceiver.ReceivedSpan> spans = stack.traces().trace(traceId);
                    Optional<OtlpReceiver.ReceivedSpan> dispatched = named(spans, "gateway.dispatch");
                    return dispatched.isPresent() && named(spans, "agent.execute").isPresent()
                            && root(spans, dispatched.get()).isPresent() ? spans : null;
                });
        OtlpReceiver.ReceivedSpan dispatch = named(trace, "gateway.dispatch").orElseThrow();
        OtlpReceiver.ReceivedSpan execute = named(trace, "agent.execute").orElseThrow();
        assertEquals("gateway", dispatch.service());
        assertEquals(SpanKind.SPAN_KIND_PRODUCER, dispatch.kind());
        assertEquals(traceparent.group(2), dispatch.spanId(), "the script runs in the dispatch span's context");
        assertEquals(dispatch.parentSpanId(), execute.parentSpanId(), "both hang off the request's context");
        assertTrue(execute.endNanos() > execute.startNanos(), "the agent's part has a duration");

        OtlpReceiver.ReceivedSpan root = root(trace, dispatch).orElseThrow();
        assertEquals("control-api", root.service());
        assertEquals(SpanKind.SPAN_KIND_SERVER, root.kind());
        assertTrue(root.name().startsWith("PUT"), "the trace starts at the REST PUT: " + root.name());
    }

    /** The trace's root, following the parent links up from {@code span}; empty while a link's span is missing. */
    private static Optional<OtlpReceiver.ReceivedSpan> root(List<OtlpReceiver.ReceivedSpan> trace,
                                                            OtlpReceiver.ReceivedSpan span) {
        OtlpReceiver.ReceivedSpan at = span;
        while (!at.parentSpanId().isEmpty()) {
            String parent = at.parentSpanId();
            Optional<OtlpReceiver.ReceivedSpan> found = trace.stream()
                    .filter(candidate -> candidate.spanId().equals(parent)).findFirst();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            at = found.get();
        }
        return Optional.of(at);
    }

    private static Optional<OtlpReceiver.ReceivedSpan> named(List<OtlpReceiver.ReceivedSpan> spans, String name) {
        return spans.stream().filter(span -> span.name().equals(name)).findFirst();
    }

    private static double increase(Scrape before, Scrape after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    /** An SSE output follower held open (its body not read) until closed. */
    private record Follow(InputStream body) implements AutoCloseable {

        static Follow open(Api api, int apiPort, String token, String machine, String name) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                            + Api.versioned(api.runCommand(machine, name) + "/output?follow=true")))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
            CompletableFuture<HttpResponse<InputStream>> answer = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            return new Follow(response.body());
        }

        @Override
        public void close() throws java.io.IOException {
            body.close();
        }
    }
}
