package dev.runcmd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.SseEvent;
import dev.runcmd.cli.http.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Follows an execution's output over the REST API's Server-Sent Events, checking that every event
 * starts where the previous one of its stream ended. It can cut the connection after some bytes;
 * {@link #lastEventId} then resumes it.
 */
final class SseFollower {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private String url;
    private final boolean base64;
    final Received stdout;
    final Received stderr;
    String lastEventId;
    JsonNode end;
    /** The last error event (a resumable end of the follow, such as ServiceUnavailable at a shutdown). */
    JsonNode error;

    private final String token;

    SseFollower(String endpoint, String runCommandPath, boolean base64, boolean keepBytes, String token) {
        this.token = token;
        this.base64 = base64;
        moveTo(endpoint, runCommandPath);
        this.stdout = new Received(keepBytes);
        this.stderr = new Received(keepBytes);
    }

    /** Follows from another control API replica from now on (resuming at {@link #lastEventId}). */
    void moveTo(String endpoint, String runCommandPath) {
        this.url = endpoint + Api.versioned(runCommandPath + "/output?follow=true&encoding=" + (base64 ? "base64" : "utf8"));
    }

    /**
     * Reads events until the end event, until an error event ends the stream (kept in {@link #error}), or
     * until {@code cutAfterStdoutBytes} (when positive) of stdout have arrived, then closes the connection.
     * Answers whether the end was reached.
     */
    boolean run(long cutAfterStdoutBytes) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(5));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new AssertionError("SSE answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        try (SseReader events = new SseReader(response.body())) {
            SseEvent event;
            while ((event = events.next()) != null) {
                if (handle(event)) {
                    return true;
                }
                if (cutAfterStdoutBytes > 0 && stdout.count() >= cutAfterStdoutBytes) {
                    return false;
                }
            }
        }
        if (error != null) {
            return false;
        }
        throw new AssertionError("the event stream ended without an end or error event");
    }

    private boolean handle(SseEvent event) throws IOException {
        JsonNode data = Api.JSON.readTree(event.data());
        switch (event.event()) {
            case "stdout", "stderr" -> {
                Received received = "stdout".equals(event.event()) ? stdout : stderr;
                long offset = data.path("offset").asLong();
                if (offset != received.count()) {
                    throw new AssertionError(event.event() + " event at offset " + offset + ", expected " + received.count());
                }
                String text = data.path("data").asText();
                received.add(base64 ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8));
                lastEventId = event.id();
                return false;
            }
            case "end" -> {
                end = data;
                return true;
            }
            case "error" -> {
                error = data;
                return false;
            }
            default -> {
                return false;
            }
        }
    }
}
