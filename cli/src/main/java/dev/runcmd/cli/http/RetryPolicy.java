package dev.runcmd.cli.http;

import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the CLI sends a request again: the one place that decides it, for every request of {@link ArmClient}.
 *
 * <p>Retried, with the server's {@code Retry-After} (seconds or an HTTP date) when it gives one, else backing off
 * 0.5, 1, 2, 4 s: at most {@value #MAX_ATTEMPTS} attempts and never waiting past {@link #MAX_TOTAL} in all.
 * <ul>
 *   <li>connection refused, every method: nothing reached the server;</li>
 *   <li>429 TooManyRequests, every method: the control API's rate limits refuse before a request is handled;</li>
 *   <li>503 ServiceUnavailable, for GET, DELETE and PUT only. GET reads; DELETE of an absent resource answers 204.
 *       A PUT of a run command names its resource and carries the whole definition, so a repeat leaves the same
 *       definition; the 503s of the control API (overload shed, identity provider or PostgreSQL unreachable) come
 *       before anything is stored. Were a PUT stored and its answer lost, the repeat would replace it like any
 *       PUT: the first run ends Canceled and a new one starts. PATCH and POST are not retried on 503: a PATCH
 *       merges into whatever is stored, and a POST (cancel, role assignments, invoke) is not idempotent by
 *       contract.</li>
 * </ul>
 * Timeouts and connections dropped after the request was sent are never retried here (the request may have been
 * handled); the output followers resume their streams on their own.
 */
final class RetryPolicy {

    /** Attempts in all, the first included. */
    static final int MAX_ATTEMPTS = 5;
    /** The longest time spent waiting between attempts, summed. */
    static final Duration MAX_TOTAL = Duration.ofSeconds(60);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Set<String> RETRIED_ON_503 = Set.of("GET", "DELETE", "PUT");

    private final PrintStream trace;

    /** A policy printing each retry to {@code trace} ({@code --verbose}), or silent when it is null. */
    RetryPolicy(PrintStream trace) {
        this.trace = trace;
    }

    /**
     * Runs {@code exchange} (one request of {@code method} to {@code uri}) until it answers something not worth
     * retrying or the attempts or the time run out; answers the last response, or throws the last failure.
     */
    <T> HttpResponse<T> run(String method, String uri, CheckedSupplier<HttpResponse<T>> exchange)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(MAX_TOTAL);
        RetryConfig config = RetryConfig.<HttpResponse<T>>custom()
                .maxAttempts(MAX_ATTEMPTS)
                .retryOnResult(response -> retryable(method, response.statusCode())
                        && fitsBefore(deadline, retryAfter(response).orElse(Duration.ZERO)))
                .retryOnException(failure -> failure instanceof ConnectException)
                .intervalBiFunction((IntervalBiFunction<HttpResponse<T>>) (attempt, outcome) ->
                        delay(attempt, outcome).toMillis())
                .failAfterMaxAttempts(false)
                .build();
        Retry retry = Retry.of(method + " " + uri, config);
        AtomicInteger lastStatus = new AtomicInteger();
        if (trace != null) {
            retry.getEventPublisher().onRetry(event -> trace.printf("runcmd: %s: %s; retry %d of %d in %d ms%n",
                    event.getName(), event.getLastThrowable() != null ? event.getLastThrowable()
                            : "HTTP " + lastStatus.get(), event.getNumberOfRetryAttempts(), MAX_ATTEMPTS - 1,
                    event.getWaitInterval().toMillis()));
        }
        CheckedSupplier<HttpResponse<T>> recorded = () -> {
            HttpResponse<T> response = exchange.get();
            lastStatus.set(response.statusCode());
            return response;
        };
        try {
            return Retry.decorateCheckedSupplier(retry, recorded).get();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable other) {
            throw new IOException(other);
        }
    }

    static boolean retryable(String method, int status) {
        return status == 429 || status == 503 && RETRIED_ON_503.contains(method);
    }

    private static boolean fitsBefore(Instant deadline, Duration wait) {
        return !Instant.now().plus(wait).isAfter(deadline);
    }

    /** The server's Retry-After when the outcome is an answer carrying one, else exponential backoff. */
    private static <T> Duration delay(int attempt, Either<Throwable, HttpResponse<T>> outcome) {
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 4));
        if (outcome.isRight()) {
            return retryAfter(outcome.get()).orElse(backoff);
        }
        return backoff;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(RetryPolicy::parseRetryAfter);
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String text = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(text))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(Instant.now(),
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
