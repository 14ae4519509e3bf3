package dev.runcmd.chaos;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The suite's running totals and the table it prints (the one docs/reliability.md quotes). */
final class Tally {

    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final Map<Verdicts.Outcome, Integer> outcomes = new EnumMap<>(Verdicts.Outcome.class);
    private final List<String> failures = new ArrayList<>();
    private int iterations;
    private int commands;

    void add(Iteration iteration, List<Verdicts.Judgement> judgements) {
        iterations++;
        faults.merge(iteration.fault(), 1, Integer::sum);
        for (Verdicts.Judgement judgement : judgements) {
            commands++;
            outcomes.merge(judgement.outcome(), 1, Integer::sum);
            if (judgement.outcome() != Verdicts.Outcome.OK && judgement.outcome() != Verdicts.Outcome.NOT_ACCEPTED) {
                failures.add(judgement.outcome() + " " + judgement.command().machine + "/" + judgement.command().name
                        + " (" + iteration.fault() + ", " + iteration.detail() + "): " + judgement.why());
            }
        }
    }

    int count(Verdicts.Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0);
    }

    /** True when nothing was lost, duplicated, stuck or wrong. */
    boolean clean() {
        return failures.isEmpty();
    }

    List<String> failures() {
        return failures;
    }

    /** The result as a Markdown table. */
    String table() {
        StringBuilder header = new StringBuilder("| iterations ");
        StringBuilder row = new StringBuilder("| " + iterations + " ");
        for (Fault fault : Fault.values()) {
            header.append("| ").append(fault.column).append(' ');
            row.append("| ").append(faults.getOrDefault(fault, 0)).append(' ');
        }
        header.append("| commands | not accepted | lost | duplicated | stuck | wrong state |");
        row.append("| ").append(commands)
                .append(" | ").append(count(Verdicts.Outcome.NOT_ACCEPTED))
                .append(" | ").append(count(Verdicts.Outcome.LOST))
                .append(" | ").append(count(Verdicts.Outcome.DUPLICATED))
                .append(" | ").append(count(Verdicts.Outcome.STUCK))
                .append(" | ").append(count(Verdicts.Outcome.WRONG)).append(" |");
        String rule = header.toString().replaceAll("[^|]", "-").replace("|-", "| ").replace("-|", " |");
        return header + "\n" + rule + "\n" + row + "\n";
    }
}
