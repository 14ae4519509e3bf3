package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code runcmd run-command executions}: every run of a run command, newest first. */
@Command(name = "executions", mixinStandardHelpOptions = true, description = "List every run of a run command, newest first.")
final class RunCommandExecutions implements Callable<Integer> {

    private static final List<String> HEADERS = List.of("EXECUTION", "STATE", "EXIT", "CREATED", "START", "END", "MESSAGE");

    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @Override
    public Integer call() throws Exception {
        ArmClient client = options.client();
        JsonNode page = client.get(client.runCommandPath(target.machine(), target.name) + "/executions");
        if (options.output == ClientOptions.OutputFormat.json) {
            Printer.json(System.out, page);
            return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        page.path("value").forEach(execution -> rows.add(List.of(
                Printer.text(execution.path("executionId")), Printer.text(execution.path("executionState")),
                Printer.text(execution.path("exitCode")), Printer.text(execution.path("createdTime")),
                Printer.text(execution.path("startTime")), Printer.text(execution.path("endTime")),
                Printer.text(execution.path("executionMessage")))));
        Printer.table(System.out, HEADERS, rows);
        return ExitCodes.OK;
    }
}
