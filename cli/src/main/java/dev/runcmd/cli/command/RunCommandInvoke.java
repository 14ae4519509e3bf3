package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.JobFollower;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runcmd run-command invoke}: one script on many machines as a fan-out job, at most {@code --max-concurrency}
 * at a time, starting no more once over {@code --max-errors} failed. Follows the merged output ({@code --follow}) or
 * waits for the job's end ({@link JobWait}) and prints a table of the targets; exits 0 only when every target
 * succeeded.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = "Run a script on many machines (a fan-out job); waits for every target to end.",
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd run-command invoke -n patch-2026-12 \\",
                "      --targets tag:env=prod --targets machine:db-1,db-2 \\",
                "      --max-concurrency 10%% --max-errors 1 \\",
                "      --run-as-user ops --script 'apt-get -y upgrade'",
                "  runcmd run-command invoke --targets machine:web-1,web-2 \\",
                "      --script-file check.sh --follow",
                "  runcmd run-command invoke -n disk-report --targets tag:role=db \\",
                "      --command-id DiskUsage --no-wait"})
final class RunCommandInvoke implements Callable<Integer> {

    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions options;

    @Option(names = "--targets", required = true, arity = "1..*", paramLabel = "TARGET",
            description = "machine:NAME[,NAME...] or tag:NAME=VALUE[,NAME=VALUE...] (machines with every tag); "
                    + "repeat to add more: the job runs on the union.")
    List<String> targets;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME",
            description = "The job's name, also its run command's name on every machine (default: invoke-<time>).")
    String name;

    @ArgGroup(multiplicity = "1")
    RunCommandSource source;

    @Option(names = "--max-concurrency", paramLabel = "N|P%", defaultValue = "100%",
            description = "How many targets run at once: a count or a percentage of them (default ${DEFAULT-VALUE}).")
    String maxConcurrency;

    @Option(names = "--max-errors", paramLabel = "N|P%", defaultValue = "0",
            description = "How many targets may fail before the job starts no more (default ${DEFAULT-VALUE}).")
    String maxErrors;

    @Option(names = "--parameters", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Parameters: NAME=VALUE becomes an environment variable, a bare VALUE a positional argument.")
    List<String> parameters = List.of();

    @Option(names = "--protected-parameters", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Like --parameters, but never shown in any answer.")
    List<String> protectedParameters = List.of();

    @Option(names = "--run-as-user", paramLabel = "USER", description = "Run as this user (default: the agent's own).")
    String runAsUser;

    @Option(names = "--timeout-in-seconds", paramLabel = "SECONDS", defaultValue = "0",
            description = "End each script after this many seconds (0: no limit).")
    int timeoutInSeconds;

    @Option(names = "--delivery-timeout-in-seconds", paramLabel = "SECONDS",
            description = "How long a target may wait for its offline machine before it ends Failed (default a day).")
    Integer deliveryTimeoutInSeconds;

    @Option(names = {"-l", "--location"}, paramLabel = "LOCATION", defaultValue = Defaults.LOCATION,
            description = "The job's location (default ${DEFAULT-VALUE}).")
    String location;

    @Option(names = "--no-wait", description = "Return right after the job is accepted.")
    boolean noWait;

    @Option(names = {"-f", "--follow"},
            description = "Stream every target's output live, each line prefixed with its machine's name.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        JobTargets parsed;
        try {
            parsed = JobTargets.parse(targets);
        } catch (IllegalArgumentException bad) {
            throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
        }
        String jobName = name != null ? name
                : "invoke-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        ArmClient client = options.client();
        String path = client.jobPath(jobName);
        JsonNode accepted = client.put(path, body(parsed)).body();
        if (noWait) {
            JobCommand.print(options, accepted);
            return ExitCodes.OK;
        }
        if (follow) {
            new JobFollower(client).follow(path, new PrefixedLines(System.out, System.err));
        } else {
            JobWait.await(client, path, accepted, options.out().tabular());
        }
        return JobCommand.report(options, client, path);
    }

    private ObjectNode body(JobTargets parsed) throws java.io.IOException {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.put("location", location);
        ObjectNode properties = body.putObject("properties");
        properties.set("targets", parsed.toJson());
        properties.put("maxConcurrency", maxConcurrency);
        properties.put("maxErrors", maxErrors);
        ObjectNode runCommand = properties.putObject("runCommand");
        runCommand.set("source", source.toJson());
        runCommand.set("parameters", RunCommandDefinition.parameterArray(parameters, null));
        runCommand.set("protectedParameters", RunCommandDefinition.parameterArray(protectedParameters, null));
        runCommand.put("timeoutInSeconds", timeoutInSeconds);
        if (runAsUser != null) {
            runCommand.put("runAsUser", runAsUser);
        }
        if (deliveryTimeoutInSeconds != null) {
            runCommand.put("deliveryTimeoutInSeconds", deliveryTimeoutInSeconds);
        }
        return body;
    }
}
