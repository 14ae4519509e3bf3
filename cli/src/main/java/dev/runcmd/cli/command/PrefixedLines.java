package dev.runcmd.cli.command;

import dev.runcmd.cli.http.JobFollower;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints a job's merged output as lines prefixed {@code machine | }: a machine's partial line waits for its newline
 * (or its end, or {@value #MAX_PARTIAL} characters), so lines of different machines never mix. stdout goes to stdout,
 * stderr to stderr.
 */
final class PrefixedLines implements JobFollower.Listener {

    /** The longest partial line held per machine and stream before it is printed as it is. */
    static final int MAX_PARTIAL = 8192;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, StringBuilder> partial = new HashMap<>();

    PrefixedLines(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void output(String machine, boolean stderr, String text) {
        StringBuilder pending = partial.computeIfAbsent(key(machine, stderr), k -> new StringBuilder());
        PrintStream sink = stderr ? err : out;
        int start = 0;
        for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
            sink.println(machine + " | " + pending + text.substring(start, newline));
            pending.setLength(0);
            start = newline + 1;
        }
        pending.append(text, start, text.length());
        if (pending.length() >= MAX_PARTIAL) {
            sink.println(machine + " | " + pending);
            pending.setLength(0);
        }
        sink.flush();
    }

    @Override
    public void ended(String machine, String state, int exitCode, String message) {
        flush(machine, false, out);
        flush(machine, true, err);
        err.println(machine + " | [" + state + ", exit " + exitCode + (message.isEmpty() ? "" : ", " + message) + "]");
        err.flush();
    }

    private void flush(String machine, boolean stderr, PrintStream sink) {
        StringBuilder pending = partial.remove(key(machine, stderr));
        if (pending != null && pending.length() > 0) {
            sink.println(machine + " | " + pending);
        }
    }

    private static String key(String machine, boolean stderr) {
        return (stderr ? "e:" : "o:") + machine;
    }
}
