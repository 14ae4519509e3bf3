package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code runcmd run-command create}: PUT a run command, then (unless {@code --no-wait}) wait for
 * its terminal state, print its output and exit with the script's exit code.
 */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create or replace a run command and run it; waits for it to end.",
        footer = {"", "Examples:",
                "  runcmd run-command create -n hello --script 'echo hello $1' --parameters world",
                "  runcmd run-command create -n setup --script-uri https://example.com/setup.sh --run-as-user deploy "
                        + "--run-as-password-stdin < password.txt",
                "  runcmd run-command create -n disk --command-id DiskUsage --tags team=ops",
                "  runcmd run-command create -n deploy --script-file deploy.sh --protected-parameters TOKEN=@token.txt "
                        + "--depends-on setup --output-blob-uri 'https://acct.blob.core.windows.net/c/out.txt?sv=...'",
                "  runcmd run-command create -n long --script 'sleep 600' --no-wait"})
final class RunCommandCreate implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @ArgGroup(multiplicity = "1")
    RunCommandSource source;

    @Mixin RunCommandDefinition definition;

    @Option(names = {"-l", "--location"}, paramLabel = "LOCATION", defaultValue = Defaults.LOCATION,
            description = "The resource's location (default ${DEFAULT-VALUE}).")
    String location;

    @Option(names = "--no-wait", description = "Return right after the run command is accepted.")
    boolean noWait;

    @Option(names = {"-f", "--follow"}, description = "Stream stdout and stderr live as the script writes them (all of it, not only the last 4 KiB).")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        ObjectNode body = body();
        ArmClient client = options.client();
        String path = client.runCommandPath(target.machine(), target.name);
        ArmClient.Answer answer = client.put(path, body);
        return finish(options, target, client, answer, noWait, follow);
    }

    /**
     * After a PUT or PATCH: prints the answer ({@code noWait}), or follows the new run's output ({@code follow}),
     * or waits for its end; answers the exit code.
     */
    static int finish(ClientOptions options, RunCommandCommand.Target target, ArmClient client,
                      ArmClient.Answer answer, boolean noWait, boolean follow) throws Exception {
        String path = client.runCommandPath(target.machine(), target.name);
        if (noWait) {
            print(options, answer.body());
            reportOperation(answer);
            return ExitCodes.OK;
        }
        if (follow) {
            return RunCommandLogs.followToEnd(client, path, "runcmd: detached; '" + target.name
                    + "' keeps running. Follow it again: runcmd run-command logs --follow --machine-name "
                    + target.machine() + " --name " + target.name + "; cancel it: runcmd run-command cancel --machine-name "
                    + target.machine() + " --name " + target.name);
        }
        return RunCommandWait.awaitAndReport(options, client, path);
    }

    /** Says on stderr where the operation of a write that was not waited for can be followed. */
    static void reportOperation(ArmClient.Answer answer) {
        if (answer.asyncOperation() != null) {
            System.err.println("runcmd: operation: " + answer.asyncOperation()
                    + " (runcmd operation show --url URL)");
        }
    }

    static void printStreams(JsonNode instanceView) {
        System.out.print(Printer.text(instanceView.path("output")));
        System.out.flush();
        System.err.print(Printer.text(instanceView.path("error")));
        System.err.flush();
    }

    private static void print(ClientOptions options, JsonNode runCommand) {
        if (options.out().tabular()) {
            Printer.table(System.out, RunCommandCommand.HEADERS, List.of(RunCommandCommand.row(runCommand)));
        } else {
            options.out().print(runCommand);
        }
    }

    /** The PUT body; a usage error (exit 2) for a password without a user or two readers of stdin. */
    private ObjectNode body() throws java.io.IOException {
        if ((definition.runAsPassword != null || definition.runAsPasswordStdin) && definition.runAsUser == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "a run-as password needs --run-as-user");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", location);
        ObjectNode properties = body.putObject("properties");
        properties.set("source", source.toJson());
        properties.putArray("parameters");
        properties.putArray("protectedParameters");
        definition.writeTo(body, properties, new SecretInput(spec, System.in));
        return body;
    }
}
