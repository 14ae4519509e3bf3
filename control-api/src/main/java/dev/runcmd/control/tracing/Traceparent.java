package dev.runcmd.control.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * The W3C Trace Context {@code traceparent} of the current span, as stored with a new execution so that gateways
 * continue the trace when they deliver it, later and elsewhere ({@code execution.traceparent}).
 *
 * <p>With tracing off ({@code quarkus.otel.sdk.disabled=true}, the default) there is no valid current span and
 * nothing is stored: the cost is one context lookup.
 */
public final class Traceparent {

    private Traceparent() {
    }

    /** {@code 00-<trace id>-<span id>-<flags>} of the current span, when it is valid and sampled. */
    public static Optional<String> current() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid() || !context.isSampled()) {
            return Optional.empty();
        }
        return Optional.of("00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex());
    }
}
