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
    private int jobs;

    /** Adds an iteration: the judgements of its commands (a job's targets among them) and of its jobs. */
    void add(Iteration iteration, List<Verdicts.Judgement> commandJudgements, List<Verdicts.Judgement> jobJudgements) {
        iterations++;
        faults.merge(iteration.fault(), 1, Integer::sum);
        commands += commandJudgements.size();
        jobs += jobJudgements.size();
        for (List<Verdicts.Judgement> judgements : List.of(commandJudgements, jobJudgements)) {
            for (Verdicts.Judgement judgement : judgements) {
                outcomes.merge(judgement.outcome(), 1, Integer::sum);
                if (judgement.outcome() != Verdicts.Outcome.OK
                        && judgement.outcome() != Verdicts.Outcome.NOT_ACCEPTED) {
                    failures.add(judgement.outcome() + " " + judgement.subject() + " (" + iteration.fault() + ", "
                            + iteration.detail() + "): " + judgement.why());
                }
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
        header.append("| commands | jobs | not accepted | lost | duplicated | stuck | wrong state |");
        row.append("| ").append(commands)
                .append(" | ").append(jobs)
                .append(" | ").append(count(Verdicts.Outcome.NOT_ACCEPTED))
                .append(" | ").append(count(Verdicts.Outcome.LOST))
                .append(" | ").append(count(Verdicts.Outcome.DUPLICATED))
                .append(" | ").append(count(Verdicts.Outcome.STUCK))
                .append(" | ").append(count(Verdicts.Outcome.WRONG)).append(" |");
        String rule = header.toString().replaceAll("[^|]", "-").replace("|-", "| ").replace("-|", " |");
        return header + "\n" + rule + "\n" + row + "\n";
    }
}
