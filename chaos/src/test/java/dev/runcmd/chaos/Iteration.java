package dev.runcmd.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One iteration: submit commands, strike with one fault at a random moment while they run (and
 * submit more while the fault lasts), restore every component, then wait until every command has
 * ended and judge each one ({@link Verdicts}). A {@link Fault#JOB} iteration submits a job with each
 * round as well, and strikes with one of the other kinds.
 */
final class Iteration {

    /** How long every command may take to end once the stack is whole again. */
    static final Duration SETTLE = Duration.ofSeconds(150);

    private final ChaosStack stack;
    private final Random random;
    private final int number;
    private final Fault fault;
    /** The fault that strikes: {@link #fault}, or for a job iteration one of the other kinds. */
    private final Fault struck;
    private final List<Command> commands = new ArrayList<>();
    private final List<JobSubmission> jobs = new ArrayList<>();
    private String detail = "";

    Iteration(ChaosStack stack, Random random, int number, Fault fault) {
        this.stack = stack;
        this.random = random;
        this.number = number;
        this.fault = fault;
        this.struck = fault == Fault.JOB ? Fault.values()[random.nextInt(Fault.JOB.ordinal())] : fault;
    }

    Fault fault() {
        return fault;
    }

    /** The fault that struck: the iteration's kind, or for a job iteration the kind it struck with. */
    Fault struck() {
        return struck;
    }

    List<Command> commands() {
        return commands;
    }

    List<JobSubmission> jobs() {
        return jobs;
    }

    /** What was broken and for how long, for the log. */
    String detail() {
        return fault == Fault.JOB ? jobs.size() + " jobs under " + struck + ": " + detail : detail;
    }

    /** Runs the iteration up to the point where every component is whole again. */
    void run() throws Exception {
        submitRound();
        pause(100, 1500);
        long downMillis = 500 + random.nextInt(4500);
        switch (struck) {
            case AGENT_KILL -> killAgent(downMillis);
            case AGENT_UPGRADE -> upgradeAgent(downMillis);
            case GATEWAY_KILL -> killGateway(downMillis);
            case CONTROL_API_KILL -> killControlApi(downMillis);
            case DATABASE_RESTART -> restartDatabase(downMillis);
            case CONNECTION_DROP -> dropConnections();
            case CONNECTION_STALL -> stallConnections(2000 + random.nextInt(10_000));
            case JOB -> throw new IllegalStateException("a job iteration strikes with another kind");
        }
        submitRound();
    }

    private void killAgent(long downMillis) throws Exception {
        String machine = pick(stack.machines());
        stack.killAgent(machine);
        detail = "agent " + machine + " down " + downMillis + " ms";
        whileDown(downMillis);
        stack.startAgent(machine);
    }

    private void upgradeAgent(long downMillis) throws Exception {
        String machine = pick(stack.machines());
        stack.stopAgent(machine);
        detail = "agent " + machine + " stopped (SIGTERM) and down " + downMillis + " ms";
        whileDown(downMillis);
        stack.startAgent(machine);
    }

    private void killGateway(long downMillis) throws Exception {
        ChaosStack.GatewayNode node = pick(stack.gateways());
        stack.killGateway(node);
        detail = "gateway " + node.id + " down " + downMillis + " ms";
        whileDown(downMillis);
        stack.startGateway(node);
    }

    private void killControlApi(long downMillis) throws Exception {
        stack.killControlApi();
        detail = "control-api down " + downMillis + " ms";
        whileDown(downMillis);
        stack.startControlApi();
    }

    private void restartDatabase(long downMillis) throws Exception {
        stack.stopDatabase();
        detail = "PostgreSQL down " + downMillis + " ms";
        whileDown(downMillis);
        stack.startDatabase();
    }

    private void dropConnections() throws Exception {
        stack.gateways().forEach(node -> node.proxy.drop());
        detail = "all agent connections reset";
        pause(200, 2000);
    }

    private void stallConnections(long millis) throws Exception {
        stack.gateways().forEach(node -> node.proxy.stall(millis));
        detail = "all agent connections stalled " + millis + " ms";
        whileDown(millis);
    }

    /** Waits out the fault's duration, submitting another round at a random moment in it. */
    private void whileDown(long downMillis) throws InterruptedException, IOException {
        long first = random.nextInt((int) Math.max(1, downMillis));
        Thread.sleep(first);
        submitRound();
        Thread.sleep(Math.max(0, downMillis - first));
    }

    /**
     * Submits one command per machine; a PUT that is not answered 2xx is recorded as not accepted.
     */
    private void submitRound() throws IOException {
        for (String machine : stack.machines()) {
            // One command in four outlives a 1 s timeout (about 2.5 s of output): it must end TimedOut.
            boolean timed = random.nextInt(4) == 0;
            Command command = new Command(machine, "it" + number + "-" + commands.size(),
                    timed ? 5000 : 300 + random.nextInt(2500), timed ? 1 : 0);
            Path ledger = Verdicts.ledger(stack, machine);
            Rest.Answer answer = stack.rest().put(stack.rest().runCommand(machine, command.name), command.body(ledger));
            command.accepted = answer.ok();
            command.submitAnswer = answer.status() + (answer.ok() ? "" : " " + new String(answer.body(),
                    java.nio.charset.StandardCharsets.UTF_8));
            commands.add(command);
        }
        if (fault == Fault.JOB) {
            submitJob();
        }
    }

    /** Submits a job over every machine: the same script everywhere, one target at a time. */
    private void submitJob() throws IOException {
        String name = "job" + number + "-" + jobs.size();
        int lines = 300 + random.nextInt(2500);
        JobSubmission job = new JobSubmission(name, stack.machines().stream()
                .map(machine -> new Command(machine, name, lines, 0)).toList());
        job.recordAnswer(stack.rest().put(stack.rest().runCommandJob(name), job.body(Verdicts.ledgers(stack))));
        jobs.add(job);
    }

    private void pause(int minMillis, int maxMillis) throws InterruptedException {
        Thread.sleep(minMillis + random.nextInt(maxMillis - minMillis));
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
