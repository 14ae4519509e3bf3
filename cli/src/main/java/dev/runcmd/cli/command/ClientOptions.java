package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import io.burt.jmespath.Expression;
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
            description = OUTPUT_HELP)
    OutputFormat output;

    @Option(names = "--query", paramLabel = "JMESPATH", converter = Converters.Query.class, description = QUERY_HELP)
    Expression<JsonNode> query;

    static final String OUTPUT_HELP = "Output format: ${COMPLETION-CANDIDATES} (env RUNCMD_OUTPUT; default "
            + "${DEFAULT-VALUE}).";
    static final String QUERY_HELP = "JMESPath query applied to the JSON result before it is printed (a list is "
            + "one array), e.g. \"[].name\" or \"properties.instanceView.exitCode\"; see https://jmespath.org.";

    /** Where and how the result is printed. */
    Output out() {
        return Output.of(output, query);
    }

    ArmClient client() throws IOException {
        return new ArmClient(connection.connection(), subscriptionId, resourceGroup);
    }

    /** How results are printed, as az's {@code --output}. */
    enum OutputFormat {
        /** The REST API's JSON, pretty-printed. */
        json,
        /** JSON in colors when stdout is a terminal, plain JSON otherwise. */
        jsonc,
        /** YAML. */
        yaml,
        /** Aligned columns for people. */
        table,
        /** Tab-separated values, a line per item, no headers: for scripts. */
        tsv,
        /** Nothing on stdout; the exit code still tells the outcome. */
        none
    }
}
