package dev.runcmd.control.output.http;

import static dev.runcmd.control.output.http.SseFormat.bytes;

import dev.runcmd.control.job.output.JobCursor;
import dev.runcmd.control.job.output.TargetEnd;
import dev.runcmd.control.job.output.TargetOutput;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.StdStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A job's merged output as text ({@code text/plain; charset=utf-8}): each line of a target prefixed with
 * {@code <machine> | }, and when it ends {@code <machine> | [Succeeded, exit 0]} (with the message after a colon
 * when there is one), and last {@code [job Succeeded]}.
 *
 * <p>A partial line of a target's stream is held until its newline or the target's end, so lines of different
 * machines (or of one machine's two streams) never interleave mid-line. Held text is bounded: a partial line
 * longer than {@value #MAX_LINE} characters, or one that would take the held text of the response past
 * {@value #MAX_HELD}, is written at once as a line of its own and continues on the next.
 */
final class JobTextFormat implements JobBodyFormat {

    /** The longest partial line held, in characters. */
    static final int MAX_LINE = 4096;

    /** The most characters held for all targets of one response. */
    static final int MAX_HELD = 64 * 1024;

    private final Map<String, StringBuilder> held = new HashMap<>();
    private int heldChars;

    @Override
    public byte[] prologue() {
        return null;
    }

    @Override
    public byte[] output(TargetOutput output, JobCursor at) {
        StringBuilder line = take(output.machine(), output.stream());
        StringBuilder out = new StringBuilder();
        String text = output.text();
        int start = 0;
        for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
            line.append(text, start, newline);
            writeLine(out, output.machine(), line);
            start = newline + 1;
        }
        line.append(text, start, text.length());
        if (line.length() > MAX_LINE || heldChars + line.length() > MAX_HELD) {
            writeLine(out, output.machine(), line);
        } else if (!line.isEmpty()) {
            held.put(key(output.machine(), output.stream()), line);
            heldChars += line.length();
        }
        return text(out);
    }

    @Override
    public byte[] end(TargetEnd end, JobCursor at) {
        StringBuilder out = new StringBuilder();
        for (StdStream stream : StdStream.values()) {
            StringBuilder line = take(end.machine(), stream);
            if (!line.isEmpty()) {
                writeLine(out, end.machine(), line);
            }
        }
        String message = end.message() == null || end.message().isEmpty() ? "" : ": " + end.message();
        out.append(end.machine()).append(" | [").append(end.executionState()).append(", exit ")
                .append(end.exitCode()).append(message).append("]\n");
        return text(out);
    }

    @Override
    public byte[] done(String provisioningState, JobCursor at) {
        return bytes("[job " + provisioningState + "]\n");
    }

    @Override
    public byte[] keepalive() {
        return null;
    }

    @Override
    public byte[] error(FollowFailure failure) {
        return null;
    }

    /** The held partial line of a target's stream, no longer held; empty when none was. */
    private StringBuilder take(String machine, StdStream stream) {
        StringBuilder line = held.remove(key(machine, stream));
        if (line == null) {
            return new StringBuilder();
        }
        heldChars -= line.length();
        return line;
    }

    private static void writeLine(StringBuilder out, String machine, StringBuilder line) {
        out.append(machine).append(" | ").append(line).append('\n');
        line.setLength(0);
    }

    private static String key(String machine, StdStream stream) {
        return stream.label() + ":" + machine;
    }

    private static byte[] text(StringBuilder out) {
        return out.isEmpty() ? null : bytes(out.toString());
    }
}
