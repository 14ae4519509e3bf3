package dev.runcmd.control.job;

import dev.runcmd.control.arm.RequestJson;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job's {@code maxConcurrency} or {@code maxErrors} as SSM writes them: a count ({@code "5"}) or a percentage of
 * the targets ({@code "10%"}), resolved once the targets are known.
 *
 * @param text the value as given, shown back on the job
 * @param amount the count or the percentage
 * @param percent whether {@link #amount} is a percentage
 */
record Limit(String text, int amount, boolean percent) {

    /** The largest count either limit takes. */
    static final int MAX_COUNT = 100_000;

    /**
     * Parses a string or integer member; null gives {@code fallback}. Fails with 400 when it is neither a count
     * from {@code min} to {@value #MAX_COUNT} nor a percentage from {@code min} to 100.
     */
    static Limit parse(JsonNode node, String path, int min, String fallback) {
        if (node == null || node.isNull()) {
            return parse(fallback, path, min);
        }
        if (node.isInt()) {
            return parse(Integer.toString(node.intValue()), path, min);
        }
        if (!node.isTextual()) {
            throw invalid(path, min);
        }
        return parse(node.textValue().strip(), path, min);
    }

    private static Limit parse(String text, String path, int min) {
        boolean percent = text.endsWith("%");
        String digits = percent ? text.substring(0, text.length() - 1) : text;
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(path, min);
        }
        int amount = Integer.parseInt(digits);
        if (amount < min || amount > (percent ? 100 : MAX_COUNT)) {
            throw invalid(path, min);
        }
        return new Limit(text, amount, percent);
    }

    /** As a concurrency: at least one target at a time, a percentage rounded up (10% of 5 targets is 1). */
    int concurrency(int targets) {
        return percent ? Math.max(1, (int) Math.ceil(targets * amount / 100.0)) : amount;
    }

    /** As an error budget: how many targets may end other than Succeeded, a percentage rounded down. */
    int errors(int targets) {
        return percent ? (int) Math.floor(targets * amount / 100.0) : amount;
    }

    private static RuntimeException invalid(String path, int min) {
        return RequestJson.invalid(path, "expected a count from " + min + " to " + MAX_COUNT
                + " (\"5\") or a percentage of the targets from " + min + "% to 100% (\"10%\")");
    }
}
