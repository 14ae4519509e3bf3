package dev.runcmd.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Server-Sent Events client for tests: reads the body on its own thread and queues parsed events
 * (comments are skipped), so every wait is bounded by {@link #next}.
 */
final class SseClient implements AutoCloseable {

    /** One event: its id (null if none), its name and its data. */
    record Event(String id, String name, String data) {
    }

    /** Queued when the body ends. */
    static final Event EOF = new Event(null, "EOF", "");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Comment lines received so far (the prologue and keepalives). */
    final java.util.concurrent.atomic.AtomicInteger comments = new java.util.concurrent.atomic.AtomicInteger();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final HttpResponse<InputStream> response;
    private final Thread reader;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code url} with the given request headers; fails if the headers do not arrive within 10 s. */
    static SseClient open(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestAuth.header()).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** The HTTP response (status and headers). */
    HttpResponse<InputStream> response() {
        return response;
    }

    /** The next event, or null after {@code seconds}. */
    Event next(int seconds) throws InterruptedException {
        return events.poll(seconds, TimeUnit.SECONDS);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String id = null;
            String name = "message";
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = "message";
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // The test closed the body, or the server closed the connection: both end the stream.
        } finally {
            events.add(EOF);
        }
    }

    @Override
    public void close() throws Exception {
        response.body().close();
        reader.join(5000);
    }
}
