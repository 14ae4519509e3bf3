package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import picocli.CommandLine.Option;

/** Where the REST API is and which scope commands address; flags override RUNCMD_* variables. */
public final class ClientOptions {

    @Option(names = "--endpoint", paramLabel = "URL", defaultValue = "${env:RUNCMD_ENDPOINT:-http://127.0.0.1:8080}",
            description = "REST API base URL (env RUNCMD_ENDPOINT; default ${DEFAULT-VALUE}).")
    String endpoint;

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

    ArmClient client() {
        return new ArmClient(endpoint, subscriptionId, resourceGroup);
    }

    /** How results are printed. */
    enum OutputFormat {
        /** The REST API's JSON, pretty-printed. */
        json,
        /** Aligned columns for people. */
        table
    }
}
