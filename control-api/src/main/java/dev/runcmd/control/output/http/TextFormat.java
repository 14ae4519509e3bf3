package dev.runcmd.control.output.http;

import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.StdStream;
import dev.runcmd.control.output.Utf8Decoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The output as text ({@code text/plain; charset=utf-8}): the streams merged in storage order, each decoded as
 * UTF-8 with its own decoder state, and at the end one line per truncated stream:
 * {@code [runcmd: stdout truncated at <cap> bytes; <n> bytes not stored]}.
 */
final class TextFormat implements BodyFormat {

    private final Set<StdStream> streams;
    private final Map<StdStream, Utf8Decoder> decoders = new EnumMap<>(StdStream.class);
    private boolean atLineStart = true;

    TextFormat(Set<StdStream> streams) {
        this.streams = streams;
        streams.forEach(stream -> decoders.put(stream, new Utf8Decoder()));
    }

    @Override
    public byte[] prologue() {
        return null;
    }

    @Override
    public byte[] chunk(StdStream stream, long offset, byte[] data) {
        return text(decoders.get(stream).decode(data));
    }

    @Override
    public byte[] truncated(StdStream stream, long capBytes) {
        return null;
    }

    @Override
    public byte[] keepalive() {
        return null;
    }

    @Override
    public byte[] end(UUID executionId, ExecutionStatus status) {
        StringBuilder tail = new StringBuilder();
        decoders.values().forEach(decoder -> tail.append(decoder.flush()));
        for (StdStream stream : StdStream.values()) {
            if (streams.contains(stream) && status.isTruncated(stream)) {
                boolean newLine = tail.isEmpty() ? !atLineStart : tail.charAt(tail.length() - 1) != '\n';
                tail.append(newLine ? "\n" : "").append("[runcmd: ").append(stream.label()).append(" truncated at ")
                        .append(status.capOf(stream)).append(" bytes; ").append(status.droppedBytes(stream))
                        .append(" bytes not stored]\n");
            }
        }
        return text(tail.toString());
    }

    @Override
    public byte[] error(FollowFailure failure) {
        return null;
    }

    private byte[] text(String text) {
        if (text.isEmpty()) {
            return null;
        }
        atLineStart = text.charAt(text.length() - 1) == '\n';
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
