package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmScope;
import io.burt.jmespath.Expression;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of commands above resource groups (tokens, roles, the activity log): connection, subscription and
 * output, but no resource group of their own.
 */
final class AccountOptions {

    @Mixin ConnectionOptions connection;

    @Option(names = {"--subscription-id", "--subscription"}, paramLabel = "ID",
            defaultValue = "${env:RUNCMD_SUBSCRIPTION_ID:-" + Defaults.SUBSCRIPTION_ID + "}",
            description = "Subscription id (env RUNCMD_SUBSCRIPTION_ID; default ${DEFAULT-VALUE}).")
    String subscriptionId;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "${env:RUNCMD_OUTPUT:-table}",
            description = ClientOptions.OUTPUT_HELP)
    ClientOptions.OutputFormat output;

    @Option(names = "--query", paramLabel = "JMESPATH", converter = Converters.Query.class,
            description = ClientOptions.QUERY_HELP)
    Expression<JsonNode> query;

    ArmClient client() throws IOException {
        return new ArmClient(connection.connection(), subscriptionId, null);
    }

    /** The subscription's scope: what scopes default to. */
    ArmScope subscriptionScope() {
        return ArmScope.subscription(subscriptionId);
    }

    /** Where and how the result is printed. */
    Output out() {
        return Output.of(output, query);
    }
}
