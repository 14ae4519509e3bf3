package dev.runcmd.agent.logging;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;

/** How the agent writes its log to stderr: one line of text per record, or one JSON object per line. */
public enum LogFormat {
    /** {@code 2026-12-04 12:00:00.123 INFO dev.runcmd.agent.Agent: message} (the default). */
    TEXT,
    /** One JSON object per line ({@link JsonFormatter}). */
    JSON;

    /** The setting's value as written in flags, environment and file, e.g. {@code json}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format written as {@code text} (exactly its {@link #text()}), or null when there is none. */
    public static LogFormat parse(String text) {
        for (LogFormat format : values()) {
            if (format.text().equals(text)) {
                return format;
            }
        }
        return null;
    }

    /**
     * Makes the root logger's console handlers use this format. Text is java.util.logging's own console format
     * (set up in {@code Main}), so it changes nothing.
     */
    public void apply() {
        if (this == TEXT) {
            return;
        }
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (handler instanceof ConsoleHandler) {
                handler.setFormatter(new JsonFormatter());
            }
        }
    }
}
