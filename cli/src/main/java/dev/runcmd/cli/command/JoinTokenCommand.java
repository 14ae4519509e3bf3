package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Pages;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runcmd machine join-token create|list|delete}: the tokens a new machine's agent enrolls with
 * ({@code runcmd-agent --join-token "$TOKEN"}).
 */
@Command(name = "join-token", mixinStandardHelpOptions = true,
        description = "Tokens that let new machines enroll into a resource group.",
        subcommands = {JoinTokenCommand.Create.class, JoinTokenCommand.ListAll.class, JoinTokenCommand.Delete.class})
final class JoinTokenCommand {

    private static final List<String> HEADERS = List.of("ID", "MACHINE", "USES LEFT", "STATE", "EXPIRES", "CREATED");

    private static List<String> row(JsonNode token, Instant now) {
        JsonNode properties = token.path("properties");
        String machine = Printer.text(properties.path("machineName"));
        return List.of(Printer.text(token.path("name")), machine.isEmpty() ? "(any new)" : machine,
                Printer.text(properties.path("usesLeft")), state(properties, now),
                Printer.text(properties.path("expiresAt")), Printer.text(properties.path("createdAt")));
    }

    /** Active, Expired or Spent, as the gateway would judge the token now. */
    private static String state(JsonNode properties, Instant now) {
        if (properties.path("usesLeft").asInt() <= 0) {
            return "Spent";
        }
        try {
            return Instant.parse(properties.path("expiresAt").asText()).isAfter(now) ? "Active" : "Expired";
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a join token and print it alone on stdout (TOKEN=$(runcmd machine join-token create ...));",
                    "what it allows goes to stderr. The token is shown only this once."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd machine join-token create --machine-name web-1 --expires-in 30m",
                    "  TOKEN=$(runcmd machine join-token create -g ci --uses 20 --expires-in 2d)"})
    static final class Create implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Option(names = "--machine-name", paramLabel = "NAME",
                description = "Enroll only this machine (it may re-enroll even if it exists); default: any new machine name.")
        String machineName;

        @Option(names = "--expires-in", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "How long it is valid: seconds, or 30m, 1h, 2d (default 1h, at most 30d).")
        Duration expiresIn;

        @Option(names = "--uses", paramLabel = "N", description = "How many machines may enroll with it (default 1, at most 10000).")
        Integer uses;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            JsonNode token = client.post(client.joinTokensPath(), body()).body();
            Output out = options.out();
            if (!out.tabular()) {
                out.print(token);
                return ExitCodes.OK;
            }
            JsonNode properties = token.path("properties");
            System.out.println(properties.path("token").asText());
            String machine = Printer.text(properties.path("machineName"));
            int usesLeft = properties.path("usesLeft").asInt();
            System.err.println("runcmd: join token " + token.path("name").asText() + " enrolls "
                    + (machine.isEmpty() ? "new machines" : "machine '" + machine + "'") + " into "
                    + options.subscriptionId + "/" + options.resourceGroup + ", " + usesLeft
                    + (usesLeft == 1 ? " use" : " uses") + ", until " + properties.path("expiresAt").asText());
            return ExitCodes.OK;
        }

        /** The request body: only what was given, so the server applies its own defaults. */
        ObjectNode body() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode properties = body.putObject("properties");
            if (machineName != null) {
                properties.put("machineName", machineName);
            }
            if (expiresIn != null) {
                properties.put("expiresInSeconds", expiresIn.toSeconds());
            }
            if (uses != null) {
                properties.put("uses", uses);
            }
            return body;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the join tokens of the resource group, spent and expired ones included (never their secrets).",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd machine join-token list",
                    "  runcmd machine join-token list --resource-group ci -o yaml"})
    static final class ListAll implements Callable<Integer> {
        @Mixin ClientOptions options;
        @Mixin TopOption top;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            Instant now = Instant.now();
            options.out().list(visitor -> Pages.forEach(client, client.joinTokensPath(), ArmClient.API_VERSION, visitor),
                    top.limit(), HEADERS, token -> row(token, now));
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a join token at once; machines that enrolled with it stay enrolled.",
            footerHeading = "%nExamples:%n",
            footer = "  runcmd machine join-token delete 9f3c2a1b7d4e8f60")
    static final class Delete implements Callable<Integer> {
        @Mixin ClientOptions options;

        @Parameters(paramLabel = "ID", description = "The token's id (the ID column of `join-token list`).")
        String id;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            int status = client.delete(client.joinTokensPath() + "/" + ArmClient.encode(id));
            System.err.println(status == 204 ? "runcmd: no join token '" + id + "'; nothing to delete"
                    : "runcmd: deleted join token '" + id + "'");
            return ExitCodes.OK;
        }
    }
}
