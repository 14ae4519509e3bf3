package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runcmd machine list|show|delete} and {@code runcmd machine join-token ...}. */
@Command(name = "machine", mixinStandardHelpOptions = true, description = "Machines enrolled by their agents.",
        subcommands = {MachineCommand.ListAll.class, MachineCommand.Show.class, MachineCommand.Delete.class,
                JoinTokenCommand.class})
public final class MachineCommand {

    private static final List<String> HEADERS = List.of("NAME", "STATUS", "OS", "OS VERSION", "AGENT", "LAST STATUS CHANGE");

    private static List<String> row(JsonNode machine) {
        JsonNode properties = machine.path("properties");
        return List.of(Printer.text(machine.path("name")), Printer.text(properties.path("status")),
                Printer.text(properties.path("osName")), Printer.text(properties.path("osVersion")),
                Printer.text(properties.path("agentVersion")), Printer.text(properties.path("lastStatusChange")));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the machines of the resource group.")
    static final class ListAll implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            JsonNode list = client.get(client.machinesPath());
            if (options.output == ClientOptions.OutputFormat.json) {
                Printer.json(System.out, list);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            list.path("value").forEach(machine -> rows.add(row(machine)));
            Printer.table(System.out, HEADERS, rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one machine.")
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Option(names = {"-n", "--name", "--machine-name"}, paramLabel = "NAME", description = "Machine (default: this host's name).")
        String name;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            JsonNode machine = client.get(client.machinePath(name != null ? name : Defaults.machineName()));
            if (options.output == ClientOptions.OutputFormat.json) {
                Printer.json(System.out, machine);
            } else {
                Printer.table(System.out, HEADERS, List.of(row(machine)));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a machine: its identity is revoked (its agent is disconnected and can no longer "
                    + "connect) and its unfinished executions end Failed.",
                    "It can enroll again with a new join token."})
    static final class Delete implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Parameters(paramLabel = "NAME", description = "The machine.")
        String name;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            int status = client.delete(client.machinePath(name));
            System.err.println(status == 204 ? "runcmd: no machine named '" + name + "'; nothing to delete"
                    : "runcmd: deleted machine '" + name + "'; its identity is revoked");
            return ExitCodes.OK;
        }
    }
}
