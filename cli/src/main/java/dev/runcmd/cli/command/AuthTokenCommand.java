package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmScope;
import dev.runcmd.cli.http.Connection;
import dev.runcmd.cli.http.CredentialException;
import dev.runcmd.cli.http.Pages;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runcmd auth token}: prints the bearer token the CLI presents; {@code create|list|revoke} manage runcmd
 * tokens, each holding one role at one scope, for automation.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Print the bearer token the CLI presents, alone on stdout, as other commands resolve it "
                + "(--token, RUNCMD_TOKEN, the login profile, the local stack's owner token); an expired login is "
                + "renewed first:",
                "  curl -H \"Authorization: Bearer $(runcmd auth token)\" ..."},
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd auth token",
                "  runcmd auth token --endpoint https://control.example    # the login's token"},
        subcommands = {AuthTokenCommand.Create.class, AuthTokenCommand.ListAll.class, AuthTokenCommand.Revoke.class})
final class AuthTokenCommand implements Callable<Integer> {

    private static final List<String> HEADERS = List.of("ID", "NAME", "ROLE", "SCOPE", "EXPIRES", "REVOKED");
    private static final DateTimeFormatter DEFAULT_NAME = DateTimeFormatter.ofPattern("'runcmd-cli-'yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Connection resolved = connection.connection();
        String token = resolved.credential().bearerToken();
        if (token == null) {
            throw new CredentialException("no credential for " + resolved.endpoint() + ". " + ErrorReport.HOW_TO_GET_ONE);
        }
        System.out.println(token);
        return ExitCodes.OK;
    }

    private static List<String> row(JsonNode token) {
        JsonNode properties = token.path("properties");
        return List.of(Printer.text(token.path("name")), Printer.text(properties.path("displayName")),
                Printer.text(properties.path("roleName")), Printer.text(properties.path("scope")),
                Printer.text(properties.path("expiresAt")), Printer.text(properties.path("revokedAt")));
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a runcmd token holding one role at one scope (and below), and print it alone on "
                    + "stdout (TOKEN=$(runcmd auth token create ...)); what it allows goes to stderr. The token is "
                    + "shown only this once.",
                    "Present it as RUNCMD_TOKEN=\"$TOKEN\" runcmd ... or Authorization: Bearer $TOKEN."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd auth token create --role Reader --expires-in 12h --name dashboard",
                    "  TOKEN=$(runcmd auth token create --role 'Run Command Operator' \\",
                    "      --scope /subscriptions/SUB/resourceGroups/web \\",
                    "      --expires-in 90d --name ci-deploy)"})
    static final class Create implements Callable<Integer> {
        @Mixin AccountOptions options;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "The role's name: Reader, Run Command Operator, Run Command Root Operator, Contributor "
                        + "or Owner (`runcmd role definition list`).")
        String role;

        @Option(names = "--scope", paramLabel = "SCOPE", converter = Converters.Scope.class,
                description = "Where the role applies, and below: /, /subscriptions/SUB, "
                        + "/subscriptions/SUB/resourceGroups/RG, or a machine's id (default: the subscription, "
                        + "/subscriptions/<--subscription>).")
        ArmScope scope;

        @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "30d",
                converter = Durations.TokenLifetimeConverter.class,
                description = "How long it is valid: seconds, or 30m, 12h, 90d (default ${DEFAULT-VALUE}, at most 365d).")
        Duration expiresIn;

        @Option(names = {"--name", "--display-name"}, paramLabel = "NAME",
                description = "What it is for, shown in lists and the activity log (default runcmd-cli-<UTC time>).")
        String name;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            JsonNode token = client.post(ArmClient.TOKENS_PATH, body(Instant.now())).body();
            Output out = options.out();
            if (!out.tabular()) {
                out.print(token);
                return ExitCodes.OK;
            }
            JsonNode properties = token.path("properties");
            System.out.println(properties.path("token").asText());
            System.err.println("runcmd: token " + token.path("name").asText() + " ('"
                    + properties.path("displayName").asText() + "') holds " + properties.path("roleName").asText()
                    + " at " + properties.path("scope").asText() + " until " + properties.path("expiresAt").asText()
                    + "; its principal id is " + properties.path("principalId").asText()
                    + ". It is shown only this once.");
            return ExitCodes.OK;
        }

        /** The request body. */
        ObjectNode body(Instant now) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ObjectNode properties = body.putObject("properties");
            properties.put("displayName", name != null ? name : DEFAULT_NAME.format(now));
            properties.put("roleName", role);
            properties.put("scope", (scope != null ? scope : options.subscriptionScope()).toString());
            properties.put("expiresInSeconds", expiresIn.toSeconds());
            return body;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List runcmd tokens, expired and revoked ones included (never their secrets).",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd auth token list",
                    "  runcmd auth token list \\",
                    "      --query \"[?properties.revokedAt==null].properties.displayName\" -o tsv"})
    static final class ListAll implements Callable<Integer> {
        @Mixin AccountOptions options;
        @Mixin TopOption top;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            options.out().list(visitor -> Pages.forEach(client, ArmClient.TOKENS_PATH, ArmClient.API_VERSION, visitor),
                    top.limit(), HEADERS, AuthTokenCommand::row);
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a runcmd token at once: requests presenting it are refused from then on.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd auth token revoke 0123456789abcdef0123456789abcdef",
                    "  runcmd auth token revoke $(runcmd auth token list \\",
                    "      --query \"[?properties.displayName=='ci-deploy'].name\" -o tsv)"})
    static final class Revoke implements Callable<Integer> {
        @Mixin AccountOptions options;

        @Parameters(paramLabel = "ID", description = "The token's id (the ID column of `auth token list`), or its full "
                + "resource id.")
        String id;

        @Override
        public Integer call() throws Exception {
            String tokenId = id.strip().replaceAll("/+$", "");
            tokenId = tokenId.substring(tokenId.lastIndexOf('/') + 1);
            if (tokenId.isEmpty()) {
                throw new IllegalArgumentException("'" + id + "' names no token: give its id, as `auth token list` shows it");
            }
            int status = options.client().delete(ArmClient.TOKENS_PATH + "/" + ArmClient.encode(tokenId));
            System.err.println(status == 204 ? "runcmd: no token '" + tokenId + "'; nothing to revoke"
                    : "runcmd: revoked token '" + tokenId + "'");
            return ExitCodes.OK;
        }
    }
}
