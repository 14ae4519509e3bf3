package dev.runcmd.cli.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a Server-Sent Events stream of the REST API to its last event, reopening it after a dropped connection with
 * the id of the last event received ({@code Last-Event-ID}), so nothing is missed or repeated: what the run command
 * and job output followers share.
 */
final class ResumingEvents {

    private static final int MAX_RECONNECTS = 20;

    /** Handles one event; answers non-null once the stream's last event came. */
    @FunctionalInterface
    interface Handler<T> {
        T handle(SseEvent event) throws IOException;
    }

    private ResumingEvents() {
    }

    /** Follows {@code query} until {@code handler} answers non-null; {@code what} names the stream in errors. */
    static <T> T follow(ArmClient client, String query, String what, Handler<T> handler)
            throws IOException, InterruptedException, ArmException, CredentialException {
        String lastEventId = null;
        IOException lastFailure = null;
        for (int attempt = 0; attempt <= MAX_RECONNECTS; attempt++) {
            if (attempt > 0) {
                Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
            }
            try (InputStream body = client.openStream(query, lastEventId); SseReader events = new SseReader(body)) {
                SseEvent event;
                while ((event = events.next()) != null) {
                    if (event.id() != null && !event.id().isEmpty()) {
                        lastEventId = event.id();
                    }
                    T end = handler.handle(event);
                    if (end != null) {
                        return end;
                    }
                }
                lastFailure = new IOException("the output stream ended before the " + what + " did");
            } catch (IOException dropped) {
                lastFailure = dropped;
            }
        }
        throw new IOException("lost the " + what + "'s output stream " + MAX_RECONNECTS + " times; last: "
                + lastFailure.getMessage(), lastFailure);
    }
}
