package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the REST API is and which scope commands address; flags override RUNCMD_* variables. */
public final class ClientOptions {

    @Mixin ConnectionOptions connection;

    @Option(names = {"--subscription-id", "--subscription"}, paramLabel = "ID",
            defaultValue = "${env:RUNCMD_SUBSCRIPTION_ID:-" + Defaults.SUBSCRIPTION_ID + "}",
            description = "Subscription id (env RUNCMD_SUBSCRIPTION_ID; default ${DEFAULT-VALUE}).")
    String subscriptionId;

    @Option(names = {"-g", "--resource-group"}, paramLabel = "NAME",
            defaultValue = "${env:RUNCMD_RESOURCE_GROUP:-" + Defaults.RESOURCE_GROUP + "}",
            description = "Resource group (env RUNCMD_RESOURCE_GROUP; default ${DEFAULT-VALUE}).")
    String resourceGroup;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "${env:RUNCMD_OUTPUT:-table}",
            description = "Output format: json or table (env RUNCMD_OUTPUT; default ${DEFAULT-VALUE}).")
    OutputFormat output;

    ArmClient client() throws IOException {
        return new ArmClient(connection.connection(), subscriptionId, resourceGroup);
    }

    /** How results are printed. */
    enum OutputFormat {
        /** The REST API's JSON, pretty-printed. */
        json,
        /** Aligned columns for people. */
        table
    }
}
