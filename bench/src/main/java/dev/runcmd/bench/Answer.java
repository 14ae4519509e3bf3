package dev.runcmd.bench;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * What one request got.
 *
 * @param outcome its column
 * @param retryAfter the response's {@code Retry-After} in seconds, or -1 without one
 * @param detail the status and the start of the body, or the error, when the outcome needs a diagnosis; else null
 */
record Answer(Outcome outcome, long retryAfter, String detail) {

    private static final int DETAIL_CHARS = 300;

    static Answer of(HttpResponse<byte[]> response) {
        Outcome outcome = Outcome.of(response.statusCode());
        long retryAfter = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(-1L);
        String detail = outcome == Outcome.SERVER_ERROR || outcome == Outcome.OTHER
                ? response.statusCode() + " " + truncate(new String(response.body(), StandardCharsets.UTF_8))
                : null;
        return new Answer(outcome, retryAfter, detail);
    }

    static Answer failed(Throwable error) {
        return new Answer(Outcome.ERROR, -1, truncate(error.toString()));
    }

    private static String truncate(String text) {
        return text.length() <= DETAIL_CHARS ? text : text.substring(0, DETAIL_CHARS) + "...";
    }
}
