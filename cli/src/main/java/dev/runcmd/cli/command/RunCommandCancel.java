package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code runcmd run-command cancel}: stops the current execution; its output so far is kept. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Stop a run command's current execution (its whole process tree); the output so far is kept.",
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd run-command cancel -n backup",
                "  runcmd run-command cancel -n backup --machine-name db-1"})
final class RunCommandCancel implements Callable<Integer> {

    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @Override
    public Integer call() throws Exception {
        ArmClient client = options.client();
        JsonNode answer = client.post(client.runCommandPath(target.machine(), target.name) + "/cancel").body();
        Output out = options.out();
        if (!out.tabular()) {
            out.print(answer);
        } else if (answer.path("canceled").asBoolean()) {
            System.err.println("runcmd: canceling '" + target.name + "' (state " + answer.path("executionState").asText() + ")");
        } else {
            System.err.println("runcmd: nothing to cancel: " + answer.path("message").asText());
        }
        return ExitCodes.OK;
    }
}
