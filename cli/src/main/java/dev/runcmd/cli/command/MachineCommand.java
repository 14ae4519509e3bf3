package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runcmd machine list|show|update|delete} and {@code runcmd machine join-token ...}. */
@Command(name = "machine", mixinStandardHelpOptions = true, description = "Machines enrolled by their agents.",
        subcommands = {MachineCommand.ListAll.class, MachineCommand.Show.class, MachineCommand.Update.class,
                MachineCommand.Delete.class, JoinTokenCommand.class})
public final class MachineCommand {

    private static final List<String> HEADERS =
            List.of("NAME", "STATUS", "OS", "OS VERSION", "AGENT", "LAST STATUS CHANGE", "TAGS");
    /** The TAGS cell of a list is cut to this many characters (ending in "..."); show prints every tag. */
    static final int LIST_TAGS_WIDTH = 40;

    private static List<String> row(JsonNode machine, int tagsWidth) {
        JsonNode properties = machine.path("properties");
        return List.of(Printer.text(machine.path("name")), Printer.text(properties.path("status")),
                Printer.text(properties.path("osName")), Printer.text(properties.path("osVersion")),
                Printer.text(properties.path("agentVersion")), Printer.text(properties.path("lastStatusChange")),
                tagsCell(machine.path("tags"), tagsWidth));
    }

    /** The machine's tags (agent-reported and API-set, merged) as {@code k=v,k2=v2} by name, cut to {@code width}. */
    static String tagsCell(JsonNode tags, int width) {
        Map<String, String> sorted = new TreeMap<>();
        tags.fields().forEachRemaining(tag -> sorted.put(tag.getKey(), Printer.text(tag.getValue())));
        List<String> pairs = new ArrayList<>();
        sorted.forEach((name, value) -> pairs.add(name + "=" + value));
        String cell = String.join(",", pairs);
        return cell.length() <= width ? cell : cell.substring(0, width - 3) + "...";
    }

    private static void print(ClientOptions options, JsonNode machine) {
        Output out = options.out();
        if (out.tabular()) {
            Printer.table(System.out, HEADERS, List.of(row(machine, Integer.MAX_VALUE)));
        } else {
            out.print(machine);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the machines of the resource group, by name.",
                    "Every page is followed: all machines are listed, or the first --top of them."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd machine list --tag env=prod",
                    "  runcmd machine list --query \"[?properties.status=='Connected'].name\" -o tsv",
                    "  runcmd machine list --top 10 -o yaml"})
    static final class ListAll implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin TopOption top;

        @Option(names = "--tag", paramLabel = "NAME[=VALUE]", converter = Converters.TagFilter.class,
                description = "Only machines with this tag; with any value when VALUE is not given.")
        Tag tag;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            String path = top.pageSized(firstPage(client));
            options.out().list(visitor -> Pages.forEach(client, path, ArmClient.API_VERSION, visitor), top.limit(),
                    HEADERS, machine -> row(machine, LIST_TAGS_WIDTH));
            return ExitCodes.OK;
        }

        /** The machines path with {@code $filter} for {@code --tag}. */
        private String firstPage(ArmClient client) {
            ODataFilter filter = new ODataFilter();
            if (tag != null) {
                filter.eq("tagName", tag.name()).eq("tagValue", tag.value());
            }
            return filter.appendTo(client.machinesPath());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one machine, with all its tags.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd machine show -n web-1",
                    "  runcmd machine show -n web-1 --query properties.status -o tsv"})
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Option(names = {"-n", "--name", "--machine-name"}, paramLabel = "NAME", description = "Machine (default: this host's name).")
        String name;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            print(options, client.get(client.machinePath(name != null ? name : Defaults.machineName())));
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Set a machine's tags: --tags replaces all the tags set through the API with the ones "
                    + "given, --clear-tags removes them all. Prints the machine.",
                    "Tags its agent reports stay; a tag set through the API overrides the agent's of the same name."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd machine update -n web-1 --tags env=prod role=web",
                    "  runcmd machine update -n web-1 --clear-tags"})
    static final class Update implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ClientOptions options;

        @Option(names = {"-n", "--name", "--machine-name"}, paramLabel = "NAME", description = "Machine (default: this host's name).")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        TagChange change;

        /** Either new tags or none. */
        static final class TagChange {
            @Option(names = "--tags", arity = "1..*", paramLabel = "NAME=VALUE", converter = Converters.TagAssignment.class,
                    description = "The tags, space-separated, replacing those set before (NAME= for an empty value).")
            List<Tag> tags;

            @Option(names = "--clear-tags", description = "Remove every tag set through the API.")
            boolean clear;
        }

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode tags = body.putObject("tags");
            for (Tag tag : change.clear ? List.<Tag>of() : change.tags) {
                if (tags.has(tag.name())) {
                    throw new ParameterException(spec.commandLine(), "--tags names '" + tag.name() + "' twice");
                }
                tags.put(tag.name(), tag.value());
            }
            ArmClient client = options.client();
            print(options, client.patch(client.machinePath(name != null ? name : Defaults.machineName()), body).body());
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a machine: its identity is revoked (its agent is disconnected and can no longer "
                    + "connect) and its unfinished executions end Failed.",
                    "It can enroll again with a new join token."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd machine delete web-1",
                    "  runcmd machine delete build-7 --resource-group ci"})
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
