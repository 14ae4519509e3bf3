package dev.runcmd.gateway.tracing;

import dev.runcmd.state.ExecutionState;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Continues the trace of a run command's request (its {@code traceparent}, stored with the execution by the control
 * API) on the gateway, whenever and wherever the gateway meets the execution:
 *
 * <ul>
 *   <li>{@code gateway.dispatch} (PRODUCER), child of the request: the Run handed to the agent's stream. Its context
 *       goes to the agent in {@code Run.traceparent}, which the script gets as {@code TRACEPARENT}.</li>
 *   <li>{@code agent.execute} (INTERNAL), child of the request: the agent's part, from the start the agent reported
 *       (else its acceptance, else the dispatch) to the end it reported, recorded when the Exited is stored.</li>
 * </ul>
 *
 * <p>Both hang off the stored context rather than off each other, so neither needs state kept between delivery and
 * exit: a re-delivery after a reconnect, or an exit stored by another gateway, still lands in the same trace.
 * Executions created without a trace ({@code traceparent} null: tracing off, or not sampled) cost one null check.
 * Spans are exported by the OpenTelemetry SDK's batch processor, off the caller's thread.
 */
@Singleton
public final class RunTraces {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    RunTraces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.runcmd.gateway");
    }

    /**
     * Records the delivery of a Run to {@code machine}'s agent; returns the traceparent for {@code Run.traceparent}:
     * the delivery span's, the stored one when this gateway does not trace, "" when the execution has none.
     */
    public String dispatched(UUID executionId, String traceparent, String gatewayId) {
        if (traceparent == null || traceparent.isEmpty()) {
            return "";
        }
        Span span = tracer.spanBuilder("gateway.dispatch")
                .setParent(parent(traceparent))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("runcmd.execution.id", executionId.toString())
                .setAttribute("runcmd.gateway.id", gatewayId)
                .startSpan();
        SpanContext context = span.getSpanContext();
        span.end();
        return context.isValid() ? format(context) : traceparent;
    }

    /** Records the agent's part of an execution that ended in {@code state}, from {@code began} to {@code ended}. */
    public void executed(UUID executionId, String traceparent, ExecutionState state, int exitCode,
                         OffsetDateTime began, OffsetDateTime ended) {
        if (traceparent == null || traceparent.isEmpty() || began == null || ended == null) {
            return;
        }
        Span span = tracer.spanBuilder("agent.execute")
                .setParent(parent(traceparent))
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(began.toInstant())
                .setAttribute("runcmd.execution.id", executionId.toString())
                .setAttribute("runcmd.execution.state", state.stored())
                .setAttribute("runcmd.execution.exit_code", exitCode)
                .startSpan();
        if (state != ExecutionState.SUCCEEDED) {
            span.setStatus(StatusCode.ERROR, state.stored());
        }
        span.end(ended.toInstant());
    }

    private static Context parent(String traceparent) {
        return W3C.extract(Context.root(), traceparent, TRACEPARENT);
    }

    private static String format(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }
}
