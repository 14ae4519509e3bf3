package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmScope;
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
            description = "Output format: json or table (env RUNCMD_OUTPUT; default ${DEFAULT-VALUE}).")
    ClientOptions.OutputFormat output;

    ArmClient client() throws IOException {
        return new ArmClient(connection.connection(), subscriptionId, null);
    }

    /** The subscription's scope: what scopes default to. */
    ArmScope subscriptionScope() {
        return ArmScope.subscription(subscriptionId);
    }

    boolean json() {
        return output == ClientOptions.OutputFormat.json;
    }
}
