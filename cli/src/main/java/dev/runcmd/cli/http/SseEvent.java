package dev.runcmd.cli.http;

/**
 * One Server-Sent Event.
 *
 * @param id the event's id (the resume token), or null
 * @param event the event's type ("message" when the server gave none)
 * @param data the event's data lines joined by newlines
 */
public record SseEvent(String id, String event, String data) {
}
