package dev.runcmd.chaos;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * One command the suite submits: a script that first appends its name to the machine's ledger (so
 * a second run shows as a second line), then prints numbered lines to stdout (every seventh also to
 * stderr), sleeping 20 ms every 40 lines: a steady trickle of small chunks, still running when faults
 * strike, and growing between a chunk's first sending and its replay (so replays are cut
 * differently). Its output is a pure function of its name and line count, so the suite knows every
 * byte to expect.
 */
final class Command {

    private static final String PAD = " abcdefghijklmnopqrstuvwxyz0123456789";

    final String machine;
    final String name;
    final int lines;
    /** The command's timeoutInSeconds: 0 (none), or a timeout it outlives, so it must end TimedOut. */
    final int timeoutSeconds;
    /** Whether the control API answered the PUT with 2xx (only then is the command promised). */
    boolean accepted;
    /** What the PUT answered, for the report. */
    String submitAnswer = "";

    Command(String machine, String name, int lines, int timeoutSeconds) {
        this.machine = machine;
        this.name = name;
        this.lines = lines;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The PUT body: the script and its timeout (default delivery timeout). */
    ObjectNode body(Path ledger) {
        return body("'" + ledger + "'");
    }

    /**
     * The body of a job's run command: one script for every target, each appending to its own machine's ledger in
     * {@code ledgers} ({@code <machine>.txt}). A script learns its machine from its working directory: an agent runs it
     * in {@code <work-dir>/exec/<execution id>}, and the local stack names work directories after machines.
     */
    ObjectNode jobBody(Path ledgers) {
        return body("'" + ledgers + "'/\"$(basename \"${PWD%/exec/*}\").txt\"");
    }

    private ObjectNode body(String ledger) {
        String script = "printf '%s\\n' '" + name + "' >> " + ledger + "\n"
                + "i=1\n"
                + "while [ \"$i\" -le " + lines + " ]; do\n"
                + "  printf '" + name + " %06d" + PAD + "\\n' \"$i\"\n"
                + "  if [ $((i % 7)) -eq 0 ]; then printf '" + name + " err %06d\\n' \"$i\" >&2; fi\n"
                + "  if [ $((i % 40)) -eq 0 ]; then sleep 0.02; fi\n"
                + "  i=$((i + 1))\n"
                + "done\n";
        ObjectNode body = Rest.JSON.createObjectNode();
        body.put("location", "chaos");
        ObjectNode properties = body.putObject("properties");
        properties.putObject("source").put("script", script);
        properties.put("timeoutInSeconds", timeoutSeconds);
        return body;
    }

    String expectedStdout() {
        StringBuilder text = new StringBuilder(lines * 48);
        for (int i = 1; i <= lines; i++) {
            text.append(name).append(' ').append(String.format("%06d", i)).append(PAD).append('\n');
        }
        return text.toString();
    }

    String expectedStderr() {
        StringBuilder text = new StringBuilder();
        for (int i = 7; i <= lines; i += 7) {
            text.append(name).append(" err ").append(String.format("%06d", i)).append('\n');
        }
        return text.toString();
    }
}
