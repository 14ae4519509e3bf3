package dev.runcmd.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latencies and outcomes of the requests of one step: each client keeps its own, confined to its
 * thread, and the step adds them up once every client has finished. Latency is from sending a request
 * to having read its whole body (for a follow, the end of the replayed stream), in microseconds; a
 * request that failed or timed out counts with the time it took to fail.
 */
final class StepTally {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram all = new Histogram(SIGNIFICANT_DIGITS);
    private final Map<Operation, Histogram> byOperation = new EnumMap<>(Operation.class);
    private final Map<Outcome, Histogram> byOutcome = new EnumMap<>(Outcome.class);
    private long unavailableWithoutRetryAfter;
    private String firstServerError;
    private String firstOther;
    private String firstError;

    StepTally() {
        for (Operation operation : Operation.values()) {
            byOperation.put(operation, new Histogram(SIGNIFICANT_DIGITS));
        }
        for (Outcome outcome : Outcome.values()) {
            byOutcome.put(outcome, new Histogram(SIGNIFICANT_DIGITS));
        }
    }

    void record(Operation operation, Answer answer, long nanos) {
        long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos));
        all.recordValue(micros);
        byOperation.get(operation).recordValue(micros);
        byOutcome.get(answer.outcome()).recordValue(micros);
        if (answer.outcome() == Outcome.UNAVAILABLE && answer.retryAfter() < 0) {
            unavailableWithoutRetryAfter++;
        }
        switch (answer.outcome()) {
            case SERVER_ERROR -> firstServerError = firstServerError != null ? firstServerError : answer.detail();
            case OTHER -> firstOther = firstOther != null ? firstOther : answer.detail();
            case ERROR -> firstError = firstError != null ? firstError : answer.detail();
            default -> { }
        }
    }

    /** Adds {@code other}'s requests to this one's; the first diagnostics kept are this one's. */
    void add(StepTally other) {
        all.add(other.all);
        other.byOperation.forEach((operation, histogram) -> byOperation.get(operation).add(histogram));
        other.byOutcome.forEach((outcome, histogram) -> byOutcome.get(outcome).add(histogram));
        unavailableWithoutRetryAfter += other.unavailableWithoutRetryAfter;
        firstServerError = firstServerError != null ? firstServerError : other.firstServerError;
        firstOther = firstOther != null ? firstOther : other.firstOther;
        firstError = firstError != null ? firstError : other.firstError;
    }

    long requests() {
        return all.getTotalCount();
    }

    long count(Outcome outcome) {
        return byOutcome.get(outcome).getTotalCount();
    }

    /** The latency at {@code percentile} over the requests answered with {@code outcome}, in milliseconds. */
    double millis(Outcome outcome, double percentile) {
        return byOutcome.get(outcome).getValueAtPercentile(percentile) / 1000.0;
    }

    long unavailableWithoutRetryAfter() {
        return unavailableWithoutRetryAfter;
    }

    /** The latency at {@code percentile} over all requests, in milliseconds. */
    double millis(double percentile) {
        return all.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return all.getMaxValue() / 1000.0;
    }

    long requests(Operation operation) {
        return byOperation.get(operation).getTotalCount();
    }

    /** The latency at {@code percentile} over the requests of one operation, in milliseconds. */
    double millis(Operation operation, double percentile) {
        return byOperation.get(operation).getValueAtPercentile(percentile) / 1000.0;
    }

    /** The status and body start of the first 500, or null. */
    String firstServerError() {
        return firstServerError;
    }

    /** The status and body start of the first answer of another status, or null. */
    String firstOther() {
        return firstOther;
    }

    /** The first timeout or connection error, or null. */
    String firstError() {
        return firstError;
    }
}
