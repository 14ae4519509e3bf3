package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Pages;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code runcmd run-command executions}: every run of a run command, newest first. */
@Command(name = "executions", mixinStandardHelpOptions = true, description = {"List every run of a run command, newest first.",
        "Every page is followed: all runs are listed, or the first --top of them."},
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd run-command executions -n backup",
                "  runcmd run-command executions -n backup --top 5 \\",
                "      --query \"[?executionState=='Failed'].executionId\" -o tsv"})
final class RunCommandExecutions implements Callable<Integer> {

    private static final List<String> HEADERS = List.of("EXECUTION", "STATE", "EXIT", "CREATED", "START", "END", "MESSAGE");

    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;
    @Mixin TopOption top;

    @Override
    public Integer call() throws Exception {
        ArmClient client = options.client();
        String path = top.pageSized(client.runCommandPath(target.machine(), target.name) + "/executions");
        options.out().list(visitor -> Pages.forEach(client, path, ArmClient.API_VERSION, visitor), top.limit(),
                HEADERS, execution -> List.of(
                        Printer.text(execution.path("executionId")), Printer.text(execution.path("executionState")),
                        Printer.text(execution.path("exitCode")), Printer.text(execution.path("createdTime")),
                        Printer.text(execution.path("startTime")), Printer.text(execution.path("endTime")),
                        Printer.text(execution.path("executionMessage"))));
        return ExitCodes.OK;
    }
}
