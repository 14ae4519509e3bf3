package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Pages;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runcmd activity-log list}, as {@code az monitor activity-log list}: who did what, when, to which
 * resource, and how it ended (every write, action and denial), newest first.
 */
@Command(name = "activity-log", mixinStandardHelpOptions = true,
        description = "The activity log: every write, action and denial, with its caller.",
        subcommands = ActivityLogCommand.ListAll.class)
public final class ActivityLogCommand {

    private static final List<String> HEADERS = List.of("TIME", "CALLER", "OPERATION", "STATUS", "RESOURCE");

    static List<String> row(JsonNode event) {
        String status = Printer.text(event.path("status").path("value"));
        String subStatus = Printer.text(event.path("subStatus").path("value"));
        return List.of(Printer.text(event.path("eventTimestamp")), Printer.text(event.path("caller")),
                Printer.text(event.path("operationName").path("value")),
                subStatus.isEmpty() ? status : status + " (" + subStatus + ")", Printer.text(event.path("resourceId")));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the subscription's events, newest first.",
                    "Time range: --start-time and --end-time; or one of them and --offset; or --offset up to now."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd activity-log list --offset 1d --caller alice@example.com",
                    "  runcmd activity-log list --correlation-id ID --query \"[].caller\" -o tsv"})
    static final class ListAll implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin AccountOptions options;

        @Option(names = "--start-time", paramLabel = "TIME", converter = Converters.Time.class,
                description = "From (ISO-8601: 2026-01-02T15:04:05Z, with an offset, or a date; without an offset UTC).")
        Instant startTime;

        @Option(names = "--end-time", paramLabel = "TIME", converter = Converters.Time.class,
                description = "Until (default: --start-time plus --offset, else now).")
        Instant endTime;

        @Option(names = "--offset", paramLabel = "DURATION", defaultValue = "6h", converter = Durations.Converter.class,
                description = "The range's length when one end is not given: seconds, or 30m, 6h, 2d (default ${DEFAULT-VALUE}).")
        Duration offset;

        @Option(names = {"-g", "--resource-group"}, paramLabel = "NAME", description = "Only this resource group's events.")
        String resourceGroup;

        @Option(names = "--resource-id", paramLabel = "ID", description = "Only this resource's events (its full id).")
        String resourceId;

        @Option(names = "--correlation-id", paramLabel = "ID",
                description = "Only the events of one operation or CLI invocation (x-ms-correlation-request-id).")
        String correlationId;

        @Option(names = "--caller", paramLabel = "CALLER", description = "Only this caller's events (compared ignoring case).")
        String caller;

        @Option(names = {"--max-events", "--top"}, paramLabel = "N", defaultValue = "50",
                description = "At most this many events (default ${DEFAULT-VALUE}); pages are followed until then.")
        int maxEvents;

        @Override
        public Integer call() throws Exception {
            if (maxEvents < 1) {
                throw new ParameterException(spec.commandLine(), "--max-events must be at least 1, not " + maxEvents);
            }
            ActivityLogQuery query;
            try {
                query = ActivityLogQuery.of(startTime, endTime, offset, Instant.now(), resourceGroup, resourceId,
                        correlationId);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            ArmClient client = options.client();
            String path = query.filter().appendTo(client.activityLogPath());
            options.out().list(visitor -> Pages.forEach(client, path, ArmClient.ACTIVITY_LOG_API_VERSION,
                    event -> caller != null && !caller.equalsIgnoreCase(event.path("caller").asText())
                            || visitor.visit(event)),
                    maxEvents, HEADERS, ActivityLogCommand::row);
            return ExitCodes.OK;
        }
    }
}
