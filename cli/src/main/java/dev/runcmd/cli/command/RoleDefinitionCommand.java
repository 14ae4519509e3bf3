package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runcmd role definition list}: the roles that can be assigned, as {@code az role definition list}. */
@Command(name = "definition", mixinStandardHelpOptions = true, description = "The roles that can be assigned.",
        subcommands = RoleDefinitionCommand.ListAll.class)
final class RoleDefinitionCommand {

    private static final List<String> HEADERS = List.of("NAME", "TYPE", "ID", "DESCRIPTION");

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the role definitions, or one by name.")
    static final class ListAll implements Callable<Integer> {
        @Mixin AccountOptions options;

        @Option(names = "--name", paramLabel = "ROLE", description = "Only the role of this name (e.g. Reader).")
        String name;

        @Override
        public Integer call() throws Exception {
            JsonNode list = new RoleDefinitions(options.client()).list(name);
            if (options.json()) {
                Printer.json(System.out, list);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            list.path("value").forEach(definition -> rows.add(List.of(
                    Printer.text(definition.path("properties").path("roleName")),
                    Printer.text(definition.path("properties").path("type")), Printer.text(definition.path("name")),
                    Printer.text(definition.path("properties").path("description")))));
            Printer.table(System.out, HEADERS, rows);
            return ExitCodes.OK;
        }
    }
}
