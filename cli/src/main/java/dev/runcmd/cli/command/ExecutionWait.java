package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmException;
import dev.runcmd.cli.http.OutputFollower;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/**
 * Waits for a run command's current execution to end, as a waiting {@code create} and {@code wait} do. It follows
 * the output stream ({@code /output?follow=true}, Server-Sent Events), whose {@code end} event comes the moment
 * the execution ends, and prints the output as it arrives when {@code live}. When the server has no such stream
 * (404, 405, 406 or 501 on it) or it keeps failing, it polls the run command instead, backing off from 200 ms to
 * 2 s; if output was already printed from the stream, the poll only waits, so nothing is printed twice.
 */
final class ExecutionWait {

    static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "TimedOut", "Canceled");
    private static final Set<Integer> NO_STREAM = Set.of(404, 405, 406, 501);
    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration LAST_POLL = Duration.ofSeconds(2);
    private static final Duration PENDING_HINT = Duration.ofSeconds(3);

    /**
     * How the wait ended.
     *
     * @param runCommand the run command as read after the end
     * @param exitCode the CLI's exit code for it ({@link ExitCodes#of(String, int)})
     */
    record Outcome(JsonNode runCommand, int exitCode) {
    }

    private ExecutionWait() {
    }

    /** Waits for the end of the execution of the run command at {@code path}; prints its output when {@code live}. */
    static Outcome await(ArmClient client, String path, boolean live) throws Exception {
        Counting listener = new Counting(live ? new LiveOutput(client, path) : null);
        Thread hint = live ? pendingHint(client, path, listener) : null;
        try {
            OutputFollower.End end = new OutputFollower(client).follow(path, listener);
            listener.close();
            JsonNode runCommand = client.get(path);
            if (live) {
                report(end.state(), end.exitCode(), end.message());
            }
            return new Outcome(runCommand, ExitCodes.of(end.state(), end.exitCode()));
        } catch (ArmException e) {
            if (!NO_STREAM.contains(e.status())) {
                throw e;
            }
        } catch (IOException streamFailed) {
            if (live) {
                System.err.println("runcmd: the output stream failed (" + streamFailed.getMessage() + "); polling");
            }
        } finally {
            listener.close();
            if (hint != null) {
                hint.interrupt();
            }
        }
        return poll(client, path, live && !listener.printed);
    }

    /** Reads the run command until its execution is terminal, backing off; prints its output tail when {@code live}. */
    private static Outcome poll(ArmClient client, String path, boolean live) throws Exception {
        TailPrinter printer = new TailPrinter();
        Duration pause = FIRST_POLL;
        while (true) {
            JsonNode runCommand = client.get(path);
            JsonNode view = runCommand.path("properties").path("instanceView");
            String state = view.path("executionState").asText();
            if (TERMINAL.contains(state)) {
                if (live) {
                    printer.finish(view);
                    report(state, view.path("exitCode").asInt(), Printer.text(view.path("executionMessage")));
                }
                return new Outcome(runCommand, ExitCodes.of(view));
            }
            if (live) {
                printer.update(view);
            }
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(LAST_POLL) > 0 ? LAST_POLL : pause.multipliedBy(2);
        }
    }

    /**
     * After {@link #PENDING_HINT}, says once on stderr that the agent has not taken the run yet, if it has not (the
     * run waits for the machine to connect); a daemon thread, interrupted when the wait ends.
     */
    private static Thread pendingHint(ArmClient client, String path, Counting listener) {
        Thread hint = new Thread(() -> {
            try {
                Thread.sleep(PENDING_HINT.toMillis());
                String state = client.get(path).path("properties").path("instanceView").path("executionState").asText();
                if (!listener.printed && "Pending".equals(state) && !Thread.currentThread().isInterrupted()) {
                    System.err.println("runcmd: still Pending: the machine's agent has not picked it up yet"
                            + " (it runs when the agent connects; Ctrl-C stops waiting, not the command)");
                }
            } catch (InterruptedException ended) {
                Thread.currentThread().interrupt();
            } catch (Exception unknown) {
                // Only a hint: the wait itself reports what went wrong.
            }
        }, "runcmd-pending-hint");
        hint.setDaemon(true);
        hint.start();
        return hint;
    }

    private static void report(String state, int exitCode, String message) {
        System.err.printf("runcmd: %s, exit code %d, %s%n", state, exitCode, message);
    }

    /** Passes output on to the live printer, if any, and remembers whether any was printed. */
    private static final class Counting implements OutputFollower.Listener, AutoCloseable {
        private final LiveOutput live;
        private volatile boolean printed;

        Counting(LiveOutput live) {
            this.live = live;
        }

        @Override
        public void output(boolean stderr, byte[] bytes) {
            if (live != null) {
                printed = true;
                live.output(stderr, bytes);
            }
        }

        @Override
        public void truncated(String stream, long capBytes) {
            if (live != null) {
                live.truncated(stream, capBytes);
            }
        }

        @Override
        public void close() {
            if (live != null) {
                live.close();
            }
        }
    }
}
