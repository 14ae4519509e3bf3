package dev.runcmd.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection suite: over {@code chaos.iterations} iterations with random timing (seed
 * {@code chaos.seed}, printed), kills agents, gateways and the control API with SIGKILL, restarts
 * PostgreSQL, and resets or stalls the agents' connections while commands and jobs run, then checks every
 * command and job (see {@link Verdicts}). The first iterations of any run inject each kind once, in a
 * shuffled order (the build's default run is exactly those); later ones pick a kind at random. Prints and writes the result table; fails if
 * anything was lost, run twice, left non-terminal or reported wrongly.
 */
class FaultInjectionTest {

    @Test
    void nothingLostNothingRunTwiceNothingStuck() throws Exception {
        long seed = ChaosSettings.seed();
        int iterations = ChaosSettings.iterations();
        Random random = new Random(seed);
        System.out.println("chaos: " + iterations + " iterations, seed " + seed);
        Tally tally = new Tally();
        try (ChaosStack stack = ChaosStack.start(List.of("chaos-1", "chaos-2"))) {
            List<Fault> order = shuffledKinds(random);
            for (int i = 0; i < iterations; i++) {
                Fault fault = i < order.size() ? order.get(i) : Fault.values()[random.nextInt(Fault.values().length)];
                Iteration iteration = new Iteration(stack, random, i, fault);
                iteration.run();
                List<Verdicts.Judgement> judgements = Verdicts.judge(stack, iteration);
                List<Verdicts.Judgement> jobs = Verdicts.judgeJobs(stack, iteration);
                tally.add(iteration, judgements, jobs);
                System.out.println("chaos: iteration " + i + " " + fault + " (" + iteration.detail() + "): "
                        + judgements.size() + " commands, " + jobs.size() + " jobs, failures so far "
                        + tally.failures().size());
            }
            String report = "seed " + seed + "\n\n" + tally.table();
            System.out.println(report);
            Files.writeString(Path.of(ChaosSettings.report()), report, StandardCharsets.UTF_8);
            assertTrue(tally.clean(), () -> String.join("\n", tally.failures()) + "\n" + stack.logs());
        }
    }

    private static List<Fault> shuffledKinds(Random random) {
        List<Fault> kinds = new ArrayList<>(List.of(Fault.values()));
        Collections.shuffle(kinds, random);
        return kinds;
    }
}
