package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/**
 * Prints a run command's output as it grows, from successive instance views. The instance view
 * holds only the last 4096 bytes of each stream; while a stream is shorter than that, every
 * poll's text extends the previous one and the new part is printed. Once a stream outgrows the
 * window, the rest is printed once, at the end, marked as a tail.
 */
final class TailPrinter {

    private final Stream stdout = new Stream(System.out);
    private final Stream stderr = new Stream(System.err);

    /** Prints what is new in this instance view. */
    void update(JsonNode instanceView) {
        stdout.update(Printer.text(instanceView.path("output")));
        stderr.update(Printer.text(instanceView.path("error")));
    }

    /** Prints whatever could not be printed incrementally, from the terminal instance view. */
    void finish(JsonNode instanceView) {
        stdout.finish(Printer.text(instanceView.path("output")));
        stderr.finish(Printer.text(instanceView.path("error")));
    }

    private static final class Stream {
        private final PrintStream out;
        private String printed = "";
        private boolean overflowed;

        Stream(PrintStream out) {
            this.out = out;
        }

        void update(String tail) {
            if (overflowed) {
                return;
            }
            if (tail.startsWith(printed)) {
                out.print(tail.substring(printed.length()));
                out.flush();
                printed = tail;
            } else {
                overflowed = true;
            }
        }

        void finish(String tail) {
            update(tail);
            if (overflowed) {
                out.println();
                out.println("[runcmd: output longer than 4096 bytes; its last 4096 bytes follow]");
                out.print(tail);
                out.flush();
            }
        }
    }
}
