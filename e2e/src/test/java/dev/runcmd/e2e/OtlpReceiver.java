package dev.runcmd.e2e;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A minimal OpenTelemetry collector for the tests: an OTLP/HTTP receiver ({@code POST /v1/traces}, protobuf) that
 * keeps every span it is sent, with the {@code service.name} of its resource. Thread-safe. What the services export
 * to it is exactly what they would export to a real collector.
 */
final class OtlpReceiver implements AutoCloseable {

    /** One received span; ids in lower-case hex, {@code parentSpanId} empty for a root. */
    record ReceivedSpan(String service, String name, Span.SpanKind kind, String traceId, String spanId,
                        String parentSpanId, long startNanos, long endNanos) {
    }

    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new ArrayList<>(); // guarded by this

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", this::export);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "otlp-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** The endpoint to configure: {@code quarkus.otel.exporter.otlp.endpoint} with protocol http/protobuf. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The spans received so far of {@code traceId}. */
    synchronized List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            keep(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    private synchronized void keep(ExportTraceServiceRequest request) {
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(attribute -> attribute.getKey().equals("service.name"))
                    .map(KeyValue::getValue).map(value -> value.getStringValue()).findFirst().orElse("");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    spans.add(new ReceivedSpan(service, span.getName(), span.getKind(), hex(span.getTraceId()),
                            hex(span.getSpanId()), hex(span.getParentSpanId()), span.getStartTimeUnixNano(),
                            span.getEndTimeUnixNano()));
                }
            }
        }
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
