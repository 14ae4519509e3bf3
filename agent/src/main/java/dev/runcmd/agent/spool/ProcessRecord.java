package dev.runcmd.agent.spool;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Properties;

/**
 * What the agent must know about a launched script to find it again after a restart. Written once,
 * durably, right after the launch and before Started is sent; never holds a secret (no script, no
 * parameter, no URL, no password).
 *
 * @param pid the process-group leader's pid (the wrapper that records the exit code)
 * @param processStartMillis that process's start time as the OS reports it, to tell a reused pid apart
 * @param startedMillis when the execution started (Started.start_time_millis)
 * @param deadlineMillis when the Run's timeout ends it (epoch millis), or 0 for no timeout
 * @param timeoutSeconds the Run's timeout, for the TimedOut message; 0 for none
 * @param uploads true when the Run asked for output blobs (an upload does not survive a restart)
 */
public record ProcessRecord(long pid, long processStartMillis, long startedMillis, long deadlineMillis,
        long timeoutSeconds, boolean uploads) {

    /** The record as the text of the {@code process} file. */
    String format() {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("process-start", Long.toString(processStartMillis));
        p.setProperty("started", Long.toString(startedMillis));
        p.setProperty("deadline", Long.toString(deadlineMillis));
        p.setProperty("timeout-seconds", Long.toString(timeoutSeconds));
        p.setProperty("uploads", Boolean.toString(uploads));
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Parses the text of a {@code process} file. */
    static ProcessRecord parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        try {
            return new ProcessRecord(number(p, "pid"), number(p, "process-start"), number(p, "started"),
                    number(p, "deadline"), number(p, "timeout-seconds"), Boolean.parseBoolean(p.getProperty("uploads")));
        } catch (NumberFormatException e) {
            throw new IOException("malformed process file: " + e.getMessage(), e);
        }
    }

    private static long number(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new NumberFormatException(key + " is missing");
        }
        return Long.parseLong(value.trim());
    }
}
