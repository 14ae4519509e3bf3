package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runcmd run-command create}: PUT a run command, then (unless {@code --no-wait}) wait for
 * its terminal state, print its output and exit with the script's exit code.
 */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create or replace a run command and run it; waits for it to end.")
final class RunCommandCreate implements Callable<Integer> {

    static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "TimedOut", "Canceled");
    private static final Duration POLL = Duration.ofMillis(200);

    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--script", paramLabel = "TEXT", description = "The script text.")
        String script;

        @Option(names = "--script-file", paramLabel = "FILE", description = "Read the script from a file.")
        Path scriptFile;

        String text() throws java.io.IOException {
            return script != null ? script : Files.readString(scriptFile, StandardCharsets.UTF_8);
        }
    }

    @Option(names = "--parameters", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Parameters: NAME=VALUE becomes an environment variable, a bare VALUE a positional argument.")
    List<String> parameters = List.of();

    @Option(names = "--protected-parameters", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Like --parameters, but never shown in any answer.")
    List<String> protectedParameters = List.of();

    @Option(names = "--timeout-in-seconds", paramLabel = "SECONDS", defaultValue = "0",
            description = "End the script after this many seconds (0: no limit).")
    int timeoutInSeconds;

    @Option(names = "--delivery-timeout-in-seconds", paramLabel = "SECONDS",
            description = "How long the run may wait for an offline machine before it ends Failed "
                    + "\"not delivered: machine offline\" (1 to 2592000; default 86400, a day).")
    Integer deliveryTimeoutInSeconds;

    @Option(names = "--async-execution", description = "Complete the operation as soon as the script starts.")
    boolean asyncExecution;

    @Option(names = {"-l", "--location"}, paramLabel = "LOCATION", defaultValue = Defaults.LOCATION,
            description = "The resource's location (default ${DEFAULT-VALUE}).")
    String location;

    @Option(names = "--no-wait", description = "Return right after the run command is accepted.")
    boolean noWait;

    @Option(names = {"-f", "--follow"}, description = "Stream stdout and stderr live as the script writes them (all of it, not only the last 4 KiB).")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        ArmClient client = options.client();
        String path = client.runCommandPath(target.machine(), target.name);
        ArmClient.Answer answer = client.put(path, body());
        if (noWait) {
            print(answer.body());
            return ExitCodes.OK;
        }
        if (follow) {
            return RunCommandLogs.followToEnd(client, path, "runcmd: detached; '" + target.name
                    + "' keeps running. Follow it again: runcmd run-command logs --follow --machine-name "
                    + target.machine() + " --name " + target.name + "; cancel it: runcmd run-command cancel --machine-name "
                    + target.machine() + " --name " + target.name);
        }
        JsonNode finalState = await(client, path, options.output == ClientOptions.OutputFormat.table);
        if (options.output == ClientOptions.OutputFormat.json) {
            Printer.json(System.out, finalState);
        }
        return ExitCodes.of(finalState.path("properties").path("instanceView"));
    }

    /** Polls until the execution is terminal, printing output as it grows when {@code live}. */
    static JsonNode await(ArmClient client, String path, boolean live) throws Exception {
        TailPrinter printer = new TailPrinter();
        Instant started = Instant.now();
        boolean toldPending = false;
        while (true) {
            JsonNode runCommand = client.get(path);
            JsonNode view = runCommand.path("properties").path("instanceView");
            String state = view.path("executionState").asText();
            if (TERMINAL.contains(state)) {
                if (live) {
                    printer.finish(view);
                    System.err.printf("runcmd: %s, exit code %d, %s%n", state, view.path("exitCode").asInt(),
                            Printer.text(view.path("executionMessage")));
                }
                return runCommand;
            }
            if (live) {
                printer.update(view);
                if (!toldPending && "Pending".equals(state) && Duration.between(started, Instant.now()).toSeconds() >= 3) {
                    System.err.println("runcmd: still Pending: the machine's agent has not picked it up yet"
                            + " (it runs when the agent connects; Ctrl-C stops waiting, not the command)");
                    toldPending = true;
                }
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static void printStreams(JsonNode instanceView) {
        System.out.print(Printer.text(instanceView.path("output")));
        System.out.flush();
        System.err.print(Printer.text(instanceView.path("error")));
        System.err.flush();
    }

    private void print(JsonNode runCommand) {
        if (options.output == ClientOptions.OutputFormat.json) {
            Printer.json(System.out, runCommand);
        } else {
            Printer.table(System.out, RunCommandCommand.HEADERS, List.of(RunCommandCommand.row(runCommand)));
        }
    }

    private ObjectNode body() throws java.io.IOException {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode properties = json.objectNode();
        properties.putObject("source").put("script", source.text());
        properties.set("parameters", parameterArray(parameters));
        properties.set("protectedParameters", parameterArray(protectedParameters));
        properties.put("timeoutInSeconds", timeoutInSeconds);
        properties.put("asyncExecution", asyncExecution);
        if (deliveryTimeoutInSeconds != null) {
            properties.put("deliveryTimeoutInSeconds", deliveryTimeoutInSeconds);
        }
        ObjectNode body = json.objectNode();
        body.put("location", location);
        body.set("properties", properties);
        return body;
    }

    /** NAME=VALUE → {"name","value"}; a bare VALUE → {"name":"","value"} (a positional argument). */
    static ArrayNode parameterArray(List<String> specs) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (String spec : specs) {
            int equals = spec.indexOf('=');
            ObjectNode parameter = array.addObject();
            parameter.put("name", equals < 0 ? "" : spec.substring(0, equals));
            parameter.put("value", equals < 0 ? spec : spec.substring(equals + 1));
        }
        return array;
    }
}
