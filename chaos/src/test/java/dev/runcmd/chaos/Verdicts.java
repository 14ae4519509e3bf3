package dev.runcmd.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Judges the commands of an iteration once the stack is whole again. Each accepted command must
 * reach exactly one terminal state that tells the truth:
 * <ul>
 *   <li>Succeeded: exit code 0, its name exactly once in the ledger, and stored stdout and stderr
 *       byte-identical to what the script wrote;</li>
 *   <li>TimedOut: only for a command with a timeout (one it outlives), its name once in the ledger,
 *       stored output a prefix of what the script would write (a timed command may also have run to
 *       its end while its agent was away: then it is a truthful Succeeded as above);</li>
 *   <li>Failed with "agent restarted; process lost": only in an iteration that killed an agent, the
 *       name at most once in the ledger, stored output a prefix of what the script would write.</li>
 * </ul>
 * Anything else is wrong. A command not accepted (no 2xx) promised nothing, but if it exists it
 * obeys the same rules, and no name may ever be in a ledger twice.
 *
 * <p>A job's targets are judged as commands, with one more truthful end: Canceled "the job started no more targets",
 * never run, once another target failed (maxErrors 0). The job itself must end, list every machine exactly once,
 * and end Succeeded when every target did, Failed otherwise.
 */
final class Verdicts {

    static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "TimedOut", "Canceled");
    static final String PROCESS_LOST = "agent restarted; process lost";
    static final String JOB_STOPPED = "Canceled: the job started no more targets";

    /** What became of one command. */
    enum Outcome { OK, NOT_ACCEPTED, LOST, DUPLICATED, STUCK, WRONG }

    /** One command's or job's outcome and, when it is not OK, why; {@code subject} names it for the report. */
    record Judgement(String subject, Outcome outcome, String why) {

        Judgement(Command command, Outcome outcome, String why) {
            this(command.machine + "/" + command.name, outcome, why);
        }
    }

    private Verdicts() {
    }

    /** The ledger file of {@code machine}: the names of the commands that ran there, one per line. */
    static Path ledger(ChaosStack stack, String machine) throws IOException {
        return ledgers(stack).resolve(machine + ".txt");
    }

    /** The directory of the ledgers. */
    static Path ledgers(ChaosStack stack) throws IOException {
        Path dir = stack.dataDir().resolve("ledgers");
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * Waits (bounded) for every command of the iteration, and every job, to end, then judges each command and each
     * job's targets.
     */
    static List<Judgement> judge(ChaosStack stack, Iteration iteration) throws Exception {
        long deadline = System.nanoTime() + Iteration.SETTLE.toNanos();
        List<Command> targets = iteration.jobs().stream().flatMap(job -> job.targets.stream()).toList();
        for (Command command : iteration.commands()) {
            awaitEnd(stack, command, deadline);
        }
        for (JobSubmission job : iteration.jobs()) {
            awaitJobEnd(stack, job, deadline);
        }
        List<Judgement> judgements = new java.util.ArrayList<>();
        iteration.commands().forEach(command -> judgements.add(judgeOne(stack, iteration.struck(), command, false)));
        targets.forEach(command -> judgements.add(judgeOne(stack, iteration.struck(), command, true)));
        return judgements;
    }

    /** Judges each job of the iteration as a whole (after {@link #judge}, which waited for them). */
    static List<Judgement> judgeJobs(ChaosStack stack, Iteration iteration) {
        return iteration.jobs().stream().map(job -> judgeJob(stack, job)).toList();
    }

    private static void awaitJobEnd(ChaosStack stack, JobSubmission job, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            Rest.Answer answer = stack.rest().get(stack.rest().runCommandJob(job.name));
            if (answer.status() == 404 && !job.accepted) {
                return;
            }
            if (answer.status() == 200 && !jobState(answer.json()).equals("Running")) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static String jobState(JsonNode job) {
        return job.path("properties").path("provisioningState").asText();
    }

    private static Judgement judgeJob(ChaosStack stack, JobSubmission job) {
        Rest rest = stack.rest();
        String subject = "job " + job.name;
        Rest.Answer answer = rest.get(rest.runCommandJob(job.name));
        if (answer.status() == 404) {
            return job.accepted ? new Judgement(subject, Outcome.LOST, "accepted (" + job.submitAnswer + ") but gone")
                    : new Judgement(subject, Outcome.NOT_ACCEPTED, job.submitAnswer);
        }
        if (answer.status() != 200) {
            return new Judgement(subject, Outcome.WRONG, "GET answered " + answer.status());
        }
        String state = jobState(answer.json());
        if (state.equals("Running")) {
            return new Judgement(subject, Outcome.STUCK, "Running after " + Iteration.SETTLE.toSeconds() + " s: "
                    + answer.json().path("properties").path("executionStateCounts"));
        }
        Rest.Answer listed = rest.get(rest.runCommandJob(job.name) + "/targets");
        if (listed.status() != 200) {
            return new Judgement(subject, Outcome.WRONG, "GET targets answered " + listed.status());
        }
        List<String> machines = new java.util.ArrayList<>();
        boolean allSucceeded = true;
        for (JsonNode target : listed.json().path("value")) {
            machines.add(target.path("machine").asText());
            allSucceeded &= target.path("executionState").asText().equals("Succeeded");
        }
        List<String> expected = job.targets.stream().map(target -> target.machine).toList();
        if (!machines.equals(expected)) {
            return new Judgement(subject, Outcome.LOST, "targets " + machines + ", expected " + expected);
        }
        String truthful = allSucceeded ? "Succeeded" : "Failed";
        if (!state.equals(truthful)) {
            return new Judgement(subject, Outcome.WRONG, state + " with targets " + listed.json().path("value"));
        }
        return new Judgement(subject, job.accepted ? Outcome.OK : Outcome.NOT_ACCEPTED, "");
    }

    private static void awaitEnd(ChaosStack stack, Command command, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            Rest.Answer answer = stack.rest().get(stack.rest().runCommand(command.machine, command.name));
            if (answer.status() == 404 && !command.accepted) {
                return;
            }
            if (answer.status() == 200 && TERMINAL.contains(state(answer.json()))) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static String state(JsonNode runCommand) {
        return runCommand.path("properties").path("instanceView").path("executionState").asText();
    }

    private static Judgement judgeOne(ChaosStack stack, Fault fault, Command command, boolean jobTarget) {
        try {
            return judgeOrThrow(stack, fault, command, jobTarget);
        } catch (IOException e) {
            return new Judgement(command, Outcome.WRONG, "cannot judge: " + e);
        }
    }

    private static Judgement judgeOrThrow(ChaosStack stack, Fault fault, Command command, boolean jobTarget)
            throws IOException {
        long runs = ledgerCount(stack, command);
        if (runs > 1) {
            return new Judgement(command, Outcome.DUPLICATED, "ran " + runs + " times");
        }
        Rest rest = stack.rest();
        String path = rest.runCommand(command.machine, command.name);
        Rest.Answer answer = rest.get(path);
        if (answer.status() == 404) {
            return command.accepted
                    ? new Judgement(command, Outcome.LOST, "accepted (" + command.submitAnswer + ") but gone")
                    : new Judgement(command, Outcome.NOT_ACCEPTED, command.submitAnswer);
        }
        if (answer.status() != 200) {
            return new Judgement(command, Outcome.WRONG, "GET answered " + answer.status());
        }
        JsonNode view = answer.json().path("properties").path("instanceView");
        String state = view.path("executionState").asText();
        if (!TERMINAL.contains(state)) {
            return new Judgement(command, Outcome.STUCK, state + " after " + Iteration.SETTLE.toSeconds() + " s: "
                    + view.path("executionMessage").asText());
        }
        int executions = rest.get(path + "/executions").json().path("value").size();
        if (executions != 1) {
            return new Judgement(command, Outcome.DUPLICATED, executions + " executions for one PUT");
        }
        return truthful(rest, path, fault, command, view, runs, jobTarget);
    }

    private static Judgement truthful(Rest rest, String path, Fault fault, Command command, JsonNode view, long runs,
            boolean jobTarget) {
        String state = view.path("executionState").asText();
        String message = view.path("executionMessage").asText();
        String stdout = text(rest.get(path + "/output?stream=stdout"));
        String stderr = text(rest.get(path + "/output?stream=stderr"));
        Outcome accepted = command.accepted ? Outcome.OK : Outcome.NOT_ACCEPTED;
        if (state.equals("Succeeded")) {
            if (view.path("exitCode").asInt(-1) != 0 || runs != 1) {
                return new Judgement(command, Outcome.WRONG, "Succeeded, exit " + view.path("exitCode") + ", ran " + runs);
            }
            if (!stdout.equals(command.expectedStdout()) || !stderr.equals(command.expectedStderr())) {
                return new Judgement(command, Outcome.WRONG, "Succeeded but output differs: stdout " + stdout.length()
                        + "/" + command.expectedStdout().length() + " bytes, stderr " + stderr.length() + "/"
                        + command.expectedStderr().length());
            }
            return new Judgement(command, accepted, "");
        }
        boolean prefix = command.expectedStdout().startsWith(stdout) && command.expectedStderr().startsWith(stderr);
        if (state.equals("TimedOut") && command.timeoutSeconds > 0 && runs == 1 && prefix) {
            return new Judgement(command, accepted, "");
        }
        if (state.equals("Failed") && message.contains(PROCESS_LOST) && fault == Fault.AGENT_KILL && prefix) {
            return new Judgement(command, accepted, "");
        }
        if (state.equals("Canceled") && jobTarget && message.startsWith(JOB_STOPPED) && runs == 0
                && stdout.isEmpty() && stderr.isEmpty()) {
            return new Judgement(command, accepted, "");
        }
        return new Judgement(command, Outcome.WRONG, state + ": " + message + " (ran " + runs + ", stored output "
                + (prefix ? "a prefix" : "not a prefix: stdout differs at " + firstDifference(stdout,
                command.expectedStdout()) + ", stderr at " + firstDifference(stderr, command.expectedStderr()))
                + " of what the script writes)");
    }

    private static String firstDifference(String actual, String expected) {
        int i = 0;
        while (i < actual.length() && i < expected.length() && actual.charAt(i) == expected.charAt(i)) {
            i++;
        }
        return i == actual.length() ? "none" : i + " [" + actual.substring(i, Math.min(actual.length(), i + 40)) + "]";
    }

    private static String text(Rest.Answer answer) {
        if (answer.status() != 200) {
            return "<output answered " + answer.status() + ">";
        }
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static long ledgerCount(ChaosStack stack, Command command) throws IOException {
        Path ledger = ledger(stack, command.machine);
        if (!Files.exists(ledger)) {
            return 0;
        }
        try (var lines = Files.lines(ledger)) {
            return lines.filter(command.name::equals).count();
        }
    }
}
