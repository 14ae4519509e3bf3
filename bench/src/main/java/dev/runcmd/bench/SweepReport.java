package dev.runcmd.bench;

import java.io.PrintStream;
import java.util.List;

/** Prints a sweep: a row per step as it finishes, with its per-operation latencies, and a closing markdown table. */
final class SweepReport {

    private static final String ROW = "%7s %9s %9s %8s %8s %9s %7s %7s %7s %7s %7s %7s %9s%n";

    private final PrintStream out;

    SweepReport(PrintStream out) {
        this.out = out;
    }

    void printHeader() {
        out.printf(ROW, "clients", "requests", "req/s", "p50 ms", "p99 ms", "max ms",
                "2xx", "429", "503", "500", "other", "err", "503 w/o RA");
    }

    void printStep(StepResult step) {
        StepTally tally = step.tally();
        out.printf(ROW, step.clients(), tally.requests(), String.format("%.1f", step.requestsPerSecond()),
                ms(tally.millis(50)), ms(tally.millis(99)), ms(tally.maxMillis()),
                tally.count(Outcome.SUCCESS), tally.count(Outcome.TOO_MANY_REQUESTS), tally.count(Outcome.UNAVAILABLE),
                tally.count(Outcome.SERVER_ERROR), tally.count(Outcome.OTHER), tally.count(Outcome.ERROR),
                tally.unavailableWithoutRetryAfter());
        for (Operation operation : Operation.values()) {
            long requests = tally.requests(operation);
            out.printf("        %-7s %7d requests   p50 %8s ms   p99 %8s ms%n", operation.name().toLowerCase(), requests,
                    requests == 0 ? "-" : ms(tally.millis(operation, 50)),
                    requests == 0 ? "-" : ms(tally.millis(operation, 99)));
        }
        for (Outcome outcome : List.of(Outcome.SUCCESS, Outcome.UNAVAILABLE)) {
            if (tally.count(outcome) > 0) {
                out.printf("        answered %-7s p50 %8s ms   p99 %8s ms%n", outcome.column(),
                        ms(tally.millis(outcome, 50)), ms(tally.millis(outcome, 99)));
            }
        }
        printDiagnosis("first 500", tally.firstServerError());
        printDiagnosis("first other status", tally.firstOther());
        printDiagnosis("first err", tally.firstError());
        out.println(step.recoveryMillis() < 0
                ? "        API does NOT serve a plain GET within the bound after the step"
                : "        API serves normally again after " + step.recoveryMillis() + " ms");
    }

    /** The summary, ready to paste into a README. */
    void printTable(List<StepResult> steps) {
        out.println("| clients | answers/s | 2xx/s | p50 ms | p99 ms | 2xx p99 ms | 503 p99 ms | 2xx | 429 | 503 | 500 "
                + "| other | err |");
        out.println("|--------:|----------:|------:|-------:|-------:|-----------:|-----------:|----:|----:|----:|----:"
                + "|------:|----:|");
        for (StepResult step : steps) {
            StepTally tally = step.tally();
            out.printf("| %d | %.0f | %.0f | %s | %s | %s | %s | %d | %d | %d | %d | %d | %d |%n", step.clients(),
                    step.requestsPerSecond(), step.successesPerSecond(), ms(tally.millis(50)), ms(tally.millis(99)),
                    percentileOf(tally, Outcome.SUCCESS), percentileOf(tally, Outcome.UNAVAILABLE),
                    tally.count(Outcome.SUCCESS), tally.count(Outcome.TOO_MANY_REQUESTS),
                    tally.count(Outcome.UNAVAILABLE), tally.count(Outcome.SERVER_ERROR),
                    tally.count(Outcome.OTHER), tally.count(Outcome.ERROR));
        }
    }

    private static String percentileOf(StepTally tally, Outcome outcome) {
        return tally.count(outcome) == 0 ? "-" : ms(tally.millis(outcome, 99));
    }

    private void printDiagnosis(String label, String detail) {
        if (detail != null) {
            out.println("        " + label + ": " + detail.replace('\n', ' '));
        }
    }

    private static String ms(double millis) {
        return millis < 10 ? String.format("%.2f", millis) : String.format("%.1f", millis);
    }
}
