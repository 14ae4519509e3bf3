package dev.runcmd.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Starts every process the agent starts, one at a time.
 *
 * <p>Why one at a time: a script that is written and then executed directly (a shebang script)
 * fails with ETXTBSY ("Text file busy") if, while its file was open for writing, another thread
 * forked a child that inherited that descriptor and has not exec'd yet. Writing the file and
 * starting processes under one lock rules that race out.
 */
public final class ProcessSpawner {
    /** Work done under the spawn lock before the process starts, e.g. writing the script file. */
    @FunctionalInterface
    public interface Preparation {
        /** Prepares; every file it opens for writing must be closed when it returns. */
        void prepare() throws IOException;
    }

    private final ReentrantLock lock = new ReentrantLock();

    /** Runs {@code preparation}, then starts {@code builder}, both under the spawn lock. */
    public Process start(ProcessBuilder builder, Preparation preparation) throws IOException {
        lock.lock();
        try {
            preparation.prepare();
            return builder.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a short helper command (e.g. {@code kill}) with empty input and discarded output, and
     * waits for it at most {@code timeout}; returns its exit code, or -1 if it did not end in time.
     */
    public int run(Duration timeout, String... command) throws IOException, InterruptedException {
        return capture(timeout, 0, command).exitCode();
    }

    /** What a helper command printed and how it ended. */
    public record Result(int exitCode, String stdout) {}

    /**
     * Runs a short helper command (e.g. {@code getent}) with empty input, keeps at most
     * {@code maxBytes} of its stdout (UTF-8) and discards its stderr. Waits at most {@code timeout};
     * a command that does not end in time is killed and reported with exit code -1. Its stdout must
     * fit in a pipe buffer (it is read after the exit), which holds for one-line helpers.
     */
    public Result capture(Duration timeout, int maxBytes, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(maxBytes > 0 ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = start(builder, () -> { });
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "");
        }
        String stdout = "";
        if (maxBytes > 0) {
            try (InputStream in = process.getInputStream()) {
                stdout = new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8);
            }
        }
        return new Result(process.exitValue(), stdout);
    }
}
