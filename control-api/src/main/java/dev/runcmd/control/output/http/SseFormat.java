package dev.runcmd.control.output.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.Offsets;
import dev.runcmd.control.output.StdStream;
import dev.runcmd.control.output.Utf8Decoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * Server-Sent Events ({@code text/event-stream}). Output events carry {@code id: <stdout>.<stderr>}, the offsets
 * right after the bytes the client has received so far, which is the resume token for {@code Last-Event-ID}.
 *
 * <p>With the utf8 encoding, a trailing incomplete character of a stream is held back and sent with that
 * stream's next event, so no event splits a character; offsets and ids count only the bytes actually sent. With
 * base64, every event carries the exact bytes and nothing is held back.
 */
final class SseFormat implements BodyFormat {

    private final ObjectMapper mapper;
    private final boolean base64;
    private final Map<StdStream, Utf8Decoder> decoders = new EnumMap<>(StdStream.class);
    private Offsets sent;

    SseFormat(ObjectMapper mapper, boolean base64, Offsets from) {
        this.mapper = mapper;
        this.base64 = base64;
        this.sent = from;
        for (StdStream stream : StdStream.values()) {
            decoders.put(stream, new Utf8Decoder());
        }
    }

    @Override
    public byte[] prologue() {
        return bytes(": runcmd output\n\n");
    }

    @Override
    public byte[] chunk(StdStream stream, long offset, byte[] data) {
        if (base64) {
            return output(stream, offset, offset + data.length, Base64.getEncoder().encodeToString(data));
        }
        Utf8Decoder decoder = decoders.get(stream);
        String text = decoder.decode(data);
        long end = offset + data.length - decoder.heldBack();
        return text.isEmpty() ? null : output(stream, sent.of(stream), end, text);
    }

    @Override
    public byte[] truncated(StdStream stream, long capBytes) {
        String flushed = flush(stream);
        return bytes(flushed + event("truncated",
                json(mapper, new SseEvents.Truncated(stream.label(), capBytes))));
    }

    @Override
    public byte[] keepalive() {
        return bytes(": keepalive\n\n");
    }

    @Override
    public byte[] end(UUID executionId, ExecutionStatus status) {
        SseEvents.End end = new SseEvents.End(executionId.toString(), status.state().azure(),
                status.shownExitCode(), status.message(), status.writtenBytes(StdStream.STDOUT),
                status.writtenBytes(StdStream.STDERR));
        return bytes(flush(StdStream.STDOUT) + flush(StdStream.STDERR) + event("end", json(mapper, end)));
    }

    @Override
    public byte[] error(FollowFailure failure) {
        return errorEvent(mapper, failure);
    }

    /** The {@code error} event that ends a stream instead of its last event; a job's stream sends it too. */
    static byte[] errorEvent(ObjectMapper mapper, FollowFailure failure) {
        String code = failure == FollowFailure.DELETED ? "ResourceNotFound"
                : failure == FollowFailure.STALLED ? "ClientStalled" : "ServiceUnavailable";
        return bytes(event("error", json(mapper, new SseEvents.Error(code, failure.message()))));
    }

    /** The event for the bytes a decoder still holds (an incomplete character, shown as U+FFFD), or "". */
    private String flush(StdStream stream) {
        Utf8Decoder decoder = decoders.get(stream);
        int held = decoder.heldBack();
        if (held == 0) {
            return "";
        }
        long start = sent.of(stream);
        return text(stream, start, start + held, decoder.flush());
    }

    private byte[] output(StdStream stream, long start, long end, String data) {
        return bytes(text(stream, start, end, data));
    }

    private String text(StdStream stream, long start, long end, String data) {
        sent = sent.with(stream, end);
        return "id: " + sent.token() + "\n" + event(stream.label(),
                json(mapper, new SseEvents.Output(stream.label(), start, data)));
    }

    /** One event without an id. */
    static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    /** {@code value} as JSON. */
    static String json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an SSE event", e);
        }
    }

    /** UTF-8. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
