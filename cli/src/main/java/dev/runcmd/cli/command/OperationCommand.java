package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runcmd operation show}: the state of a long-running operation (a PUT, PATCH or DELETE), by its id or by the
 * {@code Azure-AsyncOperation} or {@code Location} URL the write answered.
 */
@Command(name = "operation", mixinStandardHelpOptions = true, description = "Show long-running operations.",
        subcommands = OperationCommand.Show.class)
public final class OperationCommand {

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an operation: its status (an id or an Azure-AsyncOperation URL) or its result (a "
                    + "Location URL: 202 while it runs, then the run command).",
            footer = {"", "Examples:",
                    "  runcmd operation show --id 0b6f3c9e-8a4e-4f0e-9a51-3d1f2c7b9e10",
                    "  runcmd run-command create -n slow --script 'sleep 30' --no-wait"
                            + "   # stderr: runcmd: operation: URL",
                    "  runcmd operation show --url URL -o json"})
    static final class Show implements Callable<Integer> {

        private static final List<String> HEADERS = List.of("NAME", "STATUS", "START", "END", "ERROR");

        @Mixin ClientOptions options;

        @ArgGroup(multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--id", paramLabel = "ID", description = "The operation id (the last segment of its URLs).")
            String id;

            @Option(names = "--url", paramLabel = "URL",
                    description = "The Azure-AsyncOperation or Location URL a write answered; it must point at --endpoint.")
            String url;
        }

        @Option(names = {"-l", "--location"}, paramLabel = "LOCATION", defaultValue = Defaults.LOCATION,
                description = "With --id: the location of the operation's resource (default ${DEFAULT-VALUE}).")
        String location;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            ArmClient.Answer answer = which.url != null ? client.getUrl(which.url, "operation URL")
                    : client.getUrl(client.connection().endpoint() + client.subscriptionPath()
                            + "/providers/Microsoft.HybridCompute/locations/" + ArmClient.encode(location)
                            + "/operationStatuses/" + ArmClient.encode(which.id) + "?api-version="
                            + ArmClient.API_VERSION, "operation URL");
            print(answer);
            return ExitCodes.OK;
        }

        private void print(ArmClient.Answer answer) {
            JsonNode body = answer.body();
            if (!options.out().tabular()) {
                if (!body.isNull()) {
                    options.out().print(body);
                }
            } else if (body.has("status")) {
                JsonNode error = body.path("error");
                Printer.table(System.out, HEADERS, List.of(List.of(Printer.text(body.path("name")),
                        Printer.text(body.path("status")), Printer.text(body.path("startTime")),
                        Printer.text(body.path("endTime")), error.isMissingNode() ? ""
                                : Printer.text(error.path("code")) + ": " + Printer.text(error.path("message")))));
            } else if (body.has("properties")) {
                Printer.table(System.out, RunCommandCommand.HEADERS, List.of(RunCommandCommand.row(body)));
            }
            if (answer.status() == 202) {
                System.err.println("runcmd: the operation is still in progress (HTTP 202)");
            } else if (answer.status() == 204) {
                System.err.println("runcmd: the operation completed (HTTP 204: nothing to show)");
            }
        }
    }
}
