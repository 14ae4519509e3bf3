package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.JobFollower;
import dev.runcmd.cli.http.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runcmd job show|list|targets|logs|cancel|delete}: the fan-out jobs that {@code run-command invoke} starts. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Manage fan-out jobs (run-command invoke).",
        subcommands = {JobCommand.Show.class, JobCommand.ListAll.class, JobCommand.Targets.class,
                JobCommand.Logs.class, JobCommand.Cancel.class, JobCommand.Delete.class})
public final class JobCommand {

    static final List<String> HEADERS = List.of("NAME", "STATE", "TARGETS", "PROGRESS", "START", "END");
    static final List<String> TARGET_HEADERS = List.of("MACHINE", "EXECUTION", "EXIT", "MESSAGE");
    static final List<String> STATES = List.of("Pending", "Running", "Succeeded", "Failed", "TimedOut", "Canceled");

    /** Options naming one job. */
    static final class Name {
        @Option(names = {"-n", "--name"}, paramLabel = "NAME", required = true, description = "The job's name.")
        String name;
    }

    /** The non-zero counts per execution state, e.g. {@code Running 3, Succeeded 7}. */
    static String progress(JsonNode properties) {
        List<String> parts = new ArrayList<>();
        JsonNode counts = properties.path("executionStateCounts");
        for (String state : STATES) {
            long count = counts.path(state).asLong(0);
            if (count > 0) {
                parts.add(state + " " + count);
            }
        }
        return properties.path("provisioningState").asText() + ": " + String.join(", ", parts);
    }

    static void print(ClientOptions options, JsonNode job) {
        Output out = options.out();
        if (!out.tabular()) {
            out.print(job);
        } else {
            Printer.table(System.out, HEADERS, List.of(row(job)));
            String message = Printer.text(job.path("properties").path("message"));
            if (!message.isEmpty()) {
                System.err.println("runcmd: " + message);
            }
        }
    }

    private static List<String> row(JsonNode job) {
        JsonNode properties = job.path("properties");
        return List.of(Printer.text(job.path("name")), Printer.text(properties.path("provisioningState")),
                Printer.text(properties.path("targetCount")), progress(properties).replaceFirst("^[^:]*: ", ""),
                Printer.text(properties.path("startTime")), Printer.text(properties.path("endTime")));
    }

    /** Every target, following nextLink. */
    static List<JsonNode> targets(ArmClient client, String jobPath) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        Pages.forEach(client, jobPath + "/targets", ArmClient.API_VERSION, all::add);
        return all;
    }

    /**
     * Prints the ended job's targets (a table, or the job with its targets as JSON) and answers the exit code: 0 only
     * when every target succeeded, 125 when the job was canceled, 1 otherwise.
     */
    static int report(ClientOptions options, ArmClient client, String jobPath) throws Exception {
        JsonNode job = client.get(jobPath);
        List<JsonNode> targets = targets(client, jobPath);
        Output out = options.out();
        if (!out.tabular()) {
            ObjectNode both = JsonNodeFactory.instance.objectNode();
            both.set("job", job);
            ArrayNode array = both.putArray("targets");
            targets.forEach(array::add);
            out.print(both);
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode target : targets) {
                rows.add(List.of(Printer.text(target.path("machine")), Printer.text(target.path("executionState")),
                        Printer.text(target.path("exitCode")), Printer.text(target.path("executionMessage"))));
            }
            Printer.table(System.out, TARGET_HEADERS, rows);
            System.err.println("runcmd: job '" + job.path("name").asText() + "' " + progress(job.path("properties")));
            String message = Printer.text(job.path("properties").path("message"));
            if (!message.isEmpty()) {
                System.err.println("runcmd: " + message);
            }
        }
        boolean allSucceeded = targets.stream().allMatch(t -> "Succeeded".equals(t.path("executionState").asText()));
        if (allSucceeded) {
            return ExitCodes.OK;
        }
        return "Canceled".equals(job.path("properties").path("provisioningState").asText())
                ? ExitCodes.CANCELED : ExitCodes.ERROR;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a job and its counts per state.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd job show -n patch-2026-12",
                    "  runcmd job show -n patch-2026-12 --query properties.executionStateCounts"})
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Name job;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            print(options, client.get(client.jobPath(job.name)));
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the resource group's jobs.",
                    "Every page is followed: all jobs are listed, or the first --top of them."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd job list",
                    "  runcmd job list --query \"[?properties.provisioningState=='Failed'].name\""})
    static final class ListAll implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin TopOption top;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            String path = top.pageSized(client.jobsPath());
            options.out().list(visitor -> Pages.forEach(client, path, ArmClient.API_VERSION, visitor), top.limit(),
                    HEADERS, JobCommand::row);
            return ExitCodes.OK;
        }
    }

    @Command(name = "targets", mixinStandardHelpOptions = true,
            description = "List a job's targets with their state and exit code; exits 0 only if all succeeded.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd job targets -n patch-2026-12",
                    "  runcmd job targets -n patch-2026-12 \\",
                    "      --query \"[?executionState=='Failed'].machine\" -o tsv"})
    static final class Targets implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Name job;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            return report(options, client, client.jobPath(job.name));
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Print a job's merged output, each line prefixed with its machine; --follow until it ends.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd job logs -n patch-2026-12",
                    "  runcmd job logs -n patch-2026-12 -f | grep -i error"})
    static final class Logs implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Name job;

        @Option(names = {"-f", "--follow"}, description = "Keep following until the job ends.")
        boolean follow;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            String path = client.jobPath(job.name);
            new JobFollower(client).follow(path, follow, new PrefixedLines(System.out, System.err));
            return ExitCodes.OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a job: it starts no more targets and what runs is canceled.",
            footerHeading = "%nExamples:%n",
            footer = "  runcmd job cancel -n patch-2026-12")
    static final class Cancel implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Name job;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            print(options, client.post(client.jobPath(job.name) + "/cancel").body());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a job and the run commands it created; what runs is stopped.",
            footerHeading = "%nExamples:%n",
            footer = "  runcmd job delete -n patch-2026-12")
    static final class Delete implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin Name job;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            int status = client.delete(client.jobPath(job.name));
            System.err.println(status == 204 ? "runcmd: no job named '" + job.name + "'; nothing to delete"
                    : "runcmd: deleted job '" + job.name + "' and its run commands");
            return ExitCodes.OK;
        }
    }
}
