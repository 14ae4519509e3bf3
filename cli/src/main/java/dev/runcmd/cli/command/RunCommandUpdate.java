package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runcmd run-command update}: PATCH a run command with only the options given (JSON Merge Patch on the
 * server: tags merge by name, lists and other values replace, the rest is kept), which starts a new run; then
 * waits for it like {@code create}.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Change some properties of a run command (the rest is kept) and run it again; waits for it to end.",
        footer = {"", "Examples:",
                "  runcmd run-command update -n hello --parameters everyone",
                "  runcmd run-command update -n deploy --tags stage=prod --timeout-in-seconds 600 --no-wait",
                "  runcmd run-command update -n deploy --script-uri https://example.com/deploy-v2.sh --depends-on setup"})
final class RunCommandUpdate implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @ArgGroup(multiplicity = "0..1")
    RunCommandSource source;

    @Mixin RunCommandDefinition definition;

    @Option(names = {"-l", "--location"}, paramLabel = "LOCATION", description = "A new location for the resource.")
    String location;

    @Option(names = "--no-wait", description = "Return right after the change is accepted.")
    boolean noWait;

    @Option(names = {"-f", "--follow"}, description = "Stream stdout and stderr of the new run live.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        ObjectNode patch = patch();
        ArmClient client = options.client();
        ArmClient.Answer answer = client.patch(client.runCommandPath(target.machine(), target.name), patch);
        return RunCommandCreate.finish(options, target, client, answer, noWait, follow);
    }

    /** The merge patch: what was given, nothing else; nothing given at all is a usage error. */
    private ObjectNode patch() throws java.io.IOException {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode properties = JsonNodeFactory.instance.objectNode();
        if (location != null) {
            patch.put("location", location);
        }
        if (source != null) {
            properties.set("source", source.toJson());
        }
        definition.writeTo(patch, properties, new SecretInput(spec, System.in));
        if (!properties.isEmpty()) {
            patch.set("properties", properties);
        }
        if (patch.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "nothing to update: give at least one property "
                    + "(--script, --parameters, --tags, ...; see --help)");
        }
        return patch;
    }
}
