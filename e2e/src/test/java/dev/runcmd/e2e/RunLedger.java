package dev.runcmd.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file that the scripts of a job append to: one line per start and one per end, with the machine and the time in
 * nanoseconds ({@code date +%s%N}), so a test counts what really ran, where and when, apart from what the API says.
 *
 * <p>The script learns its machine from its working directory: an agent runs each script in
 * {@code <work-dir>/exec/<execution id>}, and the local stack names an agent's work directory after its machine.
 * {@code >>} of one short line is a single {@code write} on an {@code O_APPEND} file, so lines of concurrent scripts
 * do not interleave.
 */
final class RunLedger {

    /** One line: a script started or ended on a machine at {@code nanos}. */
    record Mark(String machine, String phase, long nanos) {
    }

    /** One script's run on a machine: start and end in nanoseconds; {@code end} is 0 when it never ended. */
    record Run(String machine, long start, long end) {
    }

    private final Path file;

    RunLedger(Path file) {
        this.file = file;
    }

    /** A ledger in a fresh file under {@code dir}. */
    static RunLedger in(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".ledger");
        Files.deleteIfExists(file);
        return new RunLedger(file);
    }

    /** Shell lines that set {@code $m} to the machine and append a {@code phase} mark for it. */
    String mark(String phase) {
        return "m=${PWD%/exec/*}; m=${m##*/}; printf '%s " + phase + " %s\\n' \"$m\" \"$(date +%s%N)\" >> '"
                + file + "'\n";
    }

    /** Every line so far, in file order. */
    List<Mark> marks() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().map(line -> line.split(" "))
                    .map(parts -> new Mark(parts[0], parts[1], Long.parseLong(parts[2]))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The machines that started, each as many times as it started, in the order of the starts. */
    List<String> started() {
        return marks().stream().filter(mark -> mark.phase().equals("start")).map(Mark::machine).toList();
    }

    /** How many times each machine started. */
    Map<String, Integer> startsPerMachine() {
        Map<String, Integer> counts = new TreeMap<>();
        started().forEach(machine -> counts.merge(machine, 1, Integer::sum));
        return counts;
    }

    /** The runs, pairing each machine's marks in order (a machine that ran twice gives two runs). */
    List<Run> runs() {
        Map<String, List<Mark>> byMachine = new TreeMap<>();
        marks().forEach(mark -> byMachine.computeIfAbsent(mark.machine(), m -> new ArrayList<>()).add(mark));
        List<Run> runs = new ArrayList<>();
        byMachine.forEach((machine, marks) -> {
            for (int i = 0; i < marks.size(); i++) {
                if (marks.get(i).phase().equals("start")) {
                    boolean ended = i + 1 < marks.size() && marks.get(i + 1).phase().equals("end");
                    runs.add(new Run(machine, marks.get(i).nanos(), ended ? marks.get(i + 1).nanos() : 0));
                }
            }
        });
        runs.sort(Comparator.comparingLong(Run::start));
        return runs;
    }

    /** The most runs that were in progress at one instant (a run that never ended counts until now). */
    static int maxOverlap(List<Run> runs) {
        List<long[]> events = new ArrayList<>();
        for (Run run : runs) {
            events.add(new long[] {run.start(), 1});
            events.add(new long[] {run.end() == 0 ? Long.MAX_VALUE : run.end(), -1});
        }
        // An end at the same nanosecond as a start frees its slot first.
        events.sort(Comparator.<long[]>comparingLong(event -> event[0]).thenComparingLong(event -> event[1]));
        int current = 0;
        int max = 0;
        for (long[] event : events) {
            current += (int) event[1];
            max = Math.max(max, current);
        }
        return max;
    }
}
