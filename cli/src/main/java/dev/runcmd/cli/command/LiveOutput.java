package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.OutputFollower;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints a followed execution's stdout to stdout and stderr to stderr as the bytes arrive. On a
 * terminal, a quiet wait shows a status line on stderr (state and elapsed time), erased as soon as
 * output arrives; when piped it prints nothing of its own.
 *
 * <p>Threading: output arrives on the following thread, the status line on a timer thread; both
 * write under this object's lock.
 */
final class LiveOutput implements OutputFollower.Listener, AutoCloseable {

    private static final Duration QUIET = Duration.ofSeconds(2);

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final boolean terminal = System.console() != null;
    private final Instant started = Instant.now();
    private final ScheduledExecutorService timer;
    private Instant lastOutput = Instant.now();   // guarded by this
    private boolean statusShown;                   // guarded by this

    LiveOutput(ArmClient client, String path) {
        if (terminal) {
            timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "runcmd-progress");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleWithFixedDelay(() -> showStatus(client, path), 1, 1, TimeUnit.SECONDS);
        } else {
            timer = null;
        }
    }

    @Override
    public synchronized void output(boolean stderr, byte[] bytes) {
        clearStatus();
        PrintStream stream = stderr ? err : out;
        stream.write(bytes, 0, bytes.length);
        stream.flush();
        lastOutput = Instant.now();
    }

    @Override
    public synchronized void truncated(String stream, long capBytes) {
        clearStatus();
        err.printf("%n[runcmd: %s reached the output cap of %d bytes; the rest was not stored]%n", stream, capBytes);
        err.flush();
    }

    private void showStatus(ArmClient client, String path) {
        synchronized (this) {
            if (Duration.between(lastOutput, Instant.now()).compareTo(QUIET) < 0) {
                return;
            }
        }
        String state;
        try {
            JsonNode view = client.get(path).path("properties").path("instanceView");
            state = view.path("executionState").asText("Unknown");
        } catch (Exception e) {
            state = "unknown (" + e.getMessage() + ")";
        }
        long elapsed = Duration.between(started, Instant.now()).toSeconds();
        synchronized (this) {
            if (Duration.between(lastOutput, Instant.now()).compareTo(QUIET) >= 0) {
                err.print("\r\033[K[runcmd] " + state + ", " + elapsed + " s");
                err.flush();
                statusShown = true;
            }
        }
    }

    private void clearStatus() {
        if (statusShown) {
            err.print("\r\033[K");
            err.flush();
            statusShown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        clearStatus();
    }
}
