package dev.runcmd.agent.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Formats a log record as one JSON object on one line, for log collectors:
 * {@code {"timestamp":"2026-12-04T12:00:00.123Z","level":"INFO","logger":"dev.runcmd.agent.Agent",
 * "message":"...","thread":"main","exception":"java.io.IOException: ...\n\tat ..."}}. {@code exception} is present
 * only when the record carries a throwable; the message is formatted with the record's parameters as
 * {@link java.util.logging.SimpleFormatter} does. Control characters and non-ASCII line separators are escaped, so
 * a record never spans two lines. Hand-written, not a JSON library: the agent stays small and needs only this.
 *
 * <p>Thread-safe: it keeps no state.
 */
public final class JsonFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(256);
        line.append("{\"timestamp\":");
        string(line, Instant.ofEpochMilli(record.getMillis()).toString());
        line.append(",\"level\":");
        string(line, record.getLevel().getName());
        line.append(",\"logger\":");
        string(line, record.getLoggerName() == null ? "" : record.getLoggerName());
        line.append(",\"message\":");
        String message = formatMessage(record);
        string(line, message == null ? "" : message);
        line.append(",\"thread\":");
        string(line, threadName(record));
        if (record.getThrown() != null) {
            line.append(",\"exception\":");
            string(line, stackTrace(record.getThrown()));
        }
        return line.append("}\n").toString();
    }

    /** Appends {@code text} as a JSON string literal (RFC 8259), quotes included; {@code show}/{@code check} use it too. */
    public static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static String threadName(LogRecord record) {
        long id = record.getLongThreadID();
        if (id == Thread.currentThread().getId()) {
            return Thread.currentThread().getName();
        }
        return "thread-" + id;
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter text = new StringWriter();
        try (PrintWriter writer = new PrintWriter(text)) {
            thrown.printStackTrace(writer);
        }
        return text.toString().stripTrailing();
    }
}
