package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Pages;
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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the role definitions, or one by name.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd role definition list",
                    "  runcmd role definition list --name 'Run Command Operator' -o json"})
    static final class ListAll implements Callable<Integer> {
        @Mixin AccountOptions options;
        @Mixin TopOption top;

        @Option(names = "--name", paramLabel = "ROLE", description = "Only the role of this name (e.g. Reader).")
        String name;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            String path = RoleDefinitions.path(client, name);
            options.out().list(visitor -> Pages.forEach(client, path, ArmClient.AUTHORIZATION_API_VERSION, visitor),
                    top.limit(), HEADERS, definition -> List.of(
                            Printer.text(definition.path("properties").path("roleName")),
                            Printer.text(definition.path("properties").path("type")),
                            Printer.text(definition.path("name")),
                            Printer.text(definition.path("properties").path("description"))));
            return ExitCodes.OK;
        }
    }
}
