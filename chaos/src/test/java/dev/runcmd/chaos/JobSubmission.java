package dev.runcmd.chaos;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One job the suite submits: the same {@link Command} script on every machine, one at a time (maxConcurrency 1), and
 * no more once one target ended other than Succeeded (maxErrors 0). Each target is judged as a command of its own;
 * the job as a whole must end and say truthfully how its targets ended.
 */
final class JobSubmission {

    final String name;
    /** One command per machine, all named after the job, in the order the job runs them. */
    final List<Command> targets;
    /** Whether the control API answered the PUT with 2xx (only then is the job promised). */
    boolean accepted;
    /** What the PUT answered, for the report. */
    String submitAnswer = "";

    JobSubmission(String name, List<Command> targets) {
        this.name = name;
        this.targets = List.copyOf(targets);
    }

    /** The PUT body: the targets by name and the run command every target's script ledger is in {@code ledgers}. */
    ObjectNode body(Path ledgers) {
        ObjectNode body = Rest.JSON.createObjectNode();
        body.put("location", "chaos");
        ObjectNode properties = body.putObject("properties");
        com.fasterxml.jackson.databind.node.ArrayNode machines = properties.putObject("targets").putArray("machines");
        targets.forEach(target -> machines.add(target.machine));
        properties.put("maxConcurrency", "1");
        properties.put("maxErrors", "0");
        properties.set("runCommand", targets.get(0).jobBody(ledgers).get("properties"));
        return body;
    }

    void recordAnswer(Rest.Answer answer) {
        accepted = answer.ok();
        submitAnswer = answer.status() + (answer.ok() ? "" : " " + new String(answer.body(),
                java.nio.charset.StandardCharsets.UTF_8));
        for (Command target : targets) {
            target.accepted = accepted;
            target.submitAnswer = submitAnswer;
        }
    }
}
