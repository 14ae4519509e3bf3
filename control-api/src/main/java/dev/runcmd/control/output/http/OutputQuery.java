package dev.runcmd.control.output.http;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.output.Offsets;
import dev.runcmd.control.output.StdStream;
import java.util.Optional;
import java.util.UUID;

/**
 * The validated query of an output request. Bad values are refused with 400 InvalidRequestContent naming the
 * parameter.
 *
 * @param stream the one stream to read, or null for both
 * @param from where to start (for one stream, only its offset counts)
 * @param follow true to keep the response open until the execution ends
 * @param base64 true for base64 event data (Server-Sent Events only)
 * @param executionId a specific execution, or empty for the current one
 * @param view the body format
 */
record OutputQuery(StdStream stream, Offsets from, boolean follow, boolean base64, Optional<UUID> executionId,
        OutputView view) {

    /** Parses the query parameters and headers of an output request; null means absent. */
    static OutputQuery parse(String stream, String from, String follow, String encoding, String executionId,
            String lastEventId, String accept) {
        StdStream selected = stream(stream);
        boolean following = follow(follow);
        boolean base64 = base64(encoding);
        Offsets start = lastEventId != null && !lastEventId.isBlank()
                ? token(lastEventId.trim(), "Last-Event-ID") : from(from, selected);
        return new OutputQuery(selected, start, following, base64, execution(executionId),
                view(selected, following, accept));
    }

    private static OutputView view(StdStream stream, boolean follow, String accept) {
        if (!follow) {
            return stream != null ? OutputView.RAW : OutputView.TEXT;
        }
        boolean wantsText = accept != null && accept.contains("text/plain") && !accept.contains("text/event-stream");
        return wantsText ? OutputView.TEXT : OutputView.EVENTS;
    }

    private static StdStream stream(String value) {
        if (value == null) {
            return null;
        }
        StdStream stream = StdStream.fromLabel(value);
        if (stream == null) {
            throw invalid("stream", "expected stdout or stderr");
        }
        return stream;
    }

    /** {@code follow}: absent or false, or true; 400 otherwise. */
    static boolean follow(String value) {
        return flag("follow", value);
    }

    /** The query parameter {@code name}: absent or false, or true; 400 naming it otherwise. */
    static boolean flag(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw invalid(name, "expected true or false");
    }

    private static boolean base64(String value) {
        if (value == null || value.equals("utf8")) {
            return false;
        }
        if (value.equals("base64")) {
            return true;
        }
        throw invalid("encoding", "expected utf8 or base64");
    }

    /** {@code <stdout>.<stderr>}, or with a stream also a single offset of that stream. */
    private static Offsets from(String value, StdStream stream) {
        if (value == null || value.isEmpty()) {
            return Offsets.ZERO;
        }
        if (stream == null || value.indexOf('.') >= 0) {
            return token(value, "from");
        }
        try {
            return Offsets.ZERO.with(stream, Offsets.parseOffset(value));
        } catch (IllegalArgumentException e) {
            throw invalid("from", e.getMessage());
        }
    }

    private static Offsets token(String value, String name) {
        try {
            return Offsets.parseToken(value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, e.getMessage() + " (<stdoutOffset>.<stderrOffset>)");
        }
    }

    private static Optional<UUID> execution(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            throw invalid("executionId", "expected an execution id (a UUID)");
        }
    }

    private static ArmException invalid(String parameter, String problem) {
        return ArmException.invalidContent("Invalid value of '" + parameter + "': " + problem + ".");
    }
}
