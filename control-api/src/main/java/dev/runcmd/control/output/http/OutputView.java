package dev.runcmd.control.output.http;

/** The body formats of the output endpoint, chosen from {@code stream}, {@code follow} and {@code Accept}. */
enum OutputView {

    /** The exact stored bytes of one stream up to what is stored now (no follow, {@code stream} given). */
    RAW("application/octet-stream"),
    /** Both streams (or one) decoded as UTF-8 text, merged in storage order. */
    TEXT("text/plain; charset=utf-8"),
    /** Server-Sent Events, following until the execution ends. */
    EVENTS("text/event-stream");

    private final String contentType;

    OutputView(String contentType) {
        this.contentType = contentType;
    }

    /** The Content-Type of the body. */
    String contentType() {
        return contentType;
    }
}
