package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Pages;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runcmd run-command show|list|delete}; {@code create} is its own class. */
@Command(name = "run-command", mixinStandardHelpOptions = true, description = "Manage run commands on a machine.",
        subcommands = {RunCommandCreate.class, RunCommandUpdate.class, RunCommandWait.class, RunCommandInvoke.class, RunCommandCommand.Show.class, RunCommandCommand.ListAll.class,
                RunCommandCommand.Delete.class, RunCommandLogs.class, RunCommandCancel.class,
                RunCommandExecutions.class})
public final class RunCommandCommand {

    static final List<String> HEADERS = List.of("NAME", "PROVISIONING", "EXECUTION", "EXIT", "START", "END");

    static List<String> row(JsonNode runCommand) {
        JsonNode view = runCommand.path("properties").path("instanceView");
        return List.of(Printer.text(runCommand.path("name")),
                Printer.text(runCommand.path("properties").path("provisioningState")),
                Printer.text(view.path("executionState")), Printer.text(view.path("exitCode")),
                Printer.text(view.path("startTime")), Printer.text(view.path("endTime")));
    }

    /** Options naming one run command. */
    static final class Target {
        @Option(names = "--machine-name", paramLabel = "NAME", description = "Machine (env RUNCMD_MACHINE_NAME; default: this host's name).")
        String machineName;

        @Option(names = {"-n", "--name"}, paramLabel = "NAME", required = true, description = "Run command name.")
        String name;

        String machine() {
            return machineName != null ? machineName : Defaults.machineName();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run command with its instance view.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd run-command show --name hello",
                    "  runcmd run-command show -n hello --query properties.instanceView.exitCode",
                    "  runcmd run-command show --name hello -o yaml"})
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            JsonNode runCommand = client.get(client.runCommandPath(target.machine(), target.name));
            Output out = options.out();
            if (out.tabular()) {
                Printer.table(System.out, HEADERS, List.of(row(runCommand)));
                RunCommandCreate.printStreams(runCommand.path("properties").path("instanceView"));
            } else {
                out.print(runCommand);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the run commands of a machine, by name.",
                    "Every page is followed: all run commands are listed, or the first --top of them."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd run-command list --machine-name web-1",
                    "  runcmd run-command list --query \"[].properties.instanceView.exitCode\""})
    static final class ListAll implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin TopOption top;

        @Option(names = "--machine-name", paramLabel = "NAME", description = "Machine (default: this host's name).")
        String machineName;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            String machine = machineName != null ? machineName : Defaults.machineName();
            String path = top.pageSized(client.runCommandsPath(machine));
            options.out().list(visitor -> Pages.forEach(client, path, ArmClient.API_VERSION, visitor), top.limit(),
                    HEADERS, RunCommandCommand::row);
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a run command; a running script is stopped.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd run-command delete -n backup",
                    "  runcmd run-command delete -n backup --machine-name db-1"})
    static final class Delete implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Target target;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            int status = client.delete(client.runCommandPath(target.machine(), target.name));
            System.err.println(status == 204 ? "runcmd: no run command named '" + target.name + "'; nothing to delete"
                    : "runcmd: deleted run command '" + target.name + "'");
            return ExitCodes.OK;
        }
    }
}
