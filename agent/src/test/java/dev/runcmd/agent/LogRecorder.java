package dev.runcmd.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Records what the agent's loggers (INFO and above) publish while a test runs; {@link #close()} stops it. */
final class LogRecorder extends Handler implements AutoCloseable {
    private static final Logger AGENT = Logger.getLogger("dev.runcmd.agent");

    private final List<LogRecord> records = new ArrayList<>(); // guarded by this

    private LogRecorder() {}

    /** Starts recording. */
    static LogRecorder start() {
        LogRecorder recorder = new LogRecorder();
        AGENT.addHandler(recorder);
        return recorder;
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
        notifyAll();
    }

    /** Every message so far, one per line, each with its level. */
    synchronized String text() {
        StringBuilder text = new StringBuilder();
        for (LogRecord record : records) {
            text.append(record.getLevel()).append(' ').append(record.getMessage()).append('\n');
        }
        return text.toString();
    }

    /** Waits for a record of {@code level} whose message contains {@code part}; returns its message. */
    synchronized String await(Level level, String part, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < records.size(); seen++) {
                LogRecord record = records.get(seen);
                if (record.getLevel().equals(level) && record.getMessage().contains(part)) {
                    return record.getMessage();
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + level + " log record containing '" + part + "' within " + timeout
                        + "; logged:\n" + text());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** How many records of {@code level} contain {@code part}. */
    synchronized long count(Level level, String part) {
        return records.stream().filter(r -> r.getLevel().equals(level) && r.getMessage().contains(part)).count();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        AGENT.removeHandler(this);
    }
}
