package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of a run command's definition shared by {@code create} (a PUT body) and {@code update} (a PATCH body),
 * each mapped to the REST property of the same name (docs/api.md). An option not given is left out of the body: a
 * PUT then takes the API's default, a PATCH keeps what is stored.
 */
final class RunCommandDefinition {

    @Option(names = "--parameters", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Parameters: NAME=VALUE becomes an environment variable, a bare VALUE a positional argument.")
    List<String> parameters;

    @Option(names = "--protected-parameters", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Like --parameters, but never shown in any answer. NAME=@FILE reads the value from a file, "
                    + "NAME=@- from standard input; NAME=@@… is a value starting with @.")
    List<String> protectedParameters;

    @Option(names = "--timeout-in-seconds", paramLabel = "SECONDS",
            description = "End the script after this many seconds (0: no limit, the default).")
    Integer timeoutInSeconds;

    @Option(names = "--delivery-timeout-in-seconds", paramLabel = "SECONDS",
            description = "How long the run may wait for an offline machine before it ends Failed "
                    + "\"not delivered: machine offline\" (1 to 2592000; default 86400, a day).")
    Integer deliveryTimeoutInSeconds;

    @Option(names = "--async-execution", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
            description = "Complete the operation as soon as the script starts (default false).")
    Boolean asyncExecution;

    @Option(names = "--run-as-user", paramLabel = "USER", description = "Run the script as this OS user.")
    String runAsUser;

    @Option(names = "--run-as-password", arity = "0..1", paramLabel = "@FILE", fallbackValue = "",
            description = "The password of --run-as-user: prompted for without echo, or read from @FILE; never "
                    + "given on the command line.")
    String runAsPassword;

    @Option(names = "--run-as-password-stdin", description = "Read the password of --run-as-user from standard input.")
    boolean runAsPasswordStdin;

    @Option(names = "--output-blob-uri", paramLabel = "URL",
            description = "An http(s) URL (e.g. a blob SAS URL) the agent uploads the full stdout to.")
    String outputBlobUri;

    @Option(names = "--error-blob-uri", paramLabel = "URL",
            description = "An http(s) URL (e.g. a blob SAS URL) the agent uploads the full stderr to.")
    String errorBlobUri;

    @Option(names = "--tags", arity = "1..*", paramLabel = "NAME=VALUE",
            description = "Tags of the run command (update: merged into the stored ones).")
    List<String> tags;

    @Option(names = "--depends-on", arity = "1..*", paramLabel = "NAME",
            description = "Run commands on the same machine that must succeed first (update: replaces the list).")
    List<String> dependsOn;

    /** Writes the given options into a PUT or PATCH body ({@code root}, and its {@code properties}). */
    void writeTo(ObjectNode root, ObjectNode properties, SecretInput secrets) {
        if (tags != null) {
            ObjectNode tagObject = root.putObject("tags");
            for (String text : tags) {
                Tag tag = assignment(secrets, text);
                tagObject.put(tag.name(), tag.value());
            }
        }
        if (parameters != null) {
            properties.set("parameters", parameterArray(parameters, null));
        }
        if (protectedParameters != null) {
            properties.set("protectedParameters", parameterArray(protectedParameters, secrets));
        }
        putIfGiven(properties, "timeoutInSeconds", timeoutInSeconds);
        putIfGiven(properties, "deliveryTimeoutInSeconds", deliveryTimeoutInSeconds);
        if (asyncExecution != null) {
            properties.put("asyncExecution", asyncExecution);
        }
        putIfGiven(properties, "runAsUser", runAsUser);
        putIfGiven(properties, "runAsPassword", password(secrets));
        putIfGiven(properties, "outputBlobUri", outputBlobUri);
        putIfGiven(properties, "errorBlobUri", errorBlobUri);
        if (dependsOn != null) {
            ArrayNode names = properties.putArray("dependsOn");
            dependsOn.forEach(names::add);
        }
    }

    /** The password from its one source, or null when none was asked for. */
    private String password(SecretInput secrets) {
        if (runAsPassword != null && runAsPasswordStdin) {
            throw secrets.usage("give --run-as-password or --run-as-password-stdin, not both");
        }
        if (runAsPasswordStdin) {
            return secrets.fromStdin("--run-as-password-stdin");
        }
        if (runAsPassword == null) {
            return null;
        }
        if (runAsPassword.isEmpty()) {
            return secrets.prompt("--run-as-password", "Password for " + (runAsUser != null ? runAsUser : "the run-as user") + ": ");
        }
        if (!runAsPassword.startsWith("@")) {
            throw secrets.usage("--run-as-password never takes the password on the command line (other users can "
                    + "read it there): give --run-as-password alone to be prompted, --run-as-password @FILE, or "
                    + "--run-as-password-stdin");
        }
        return secrets.read("--run-as-password", runAsPassword);
    }

    private static Tag assignment(SecretInput secrets, String text) {
        try {
            return Tag.assignment(text);
        } catch (IllegalArgumentException e) {
            throw secrets.usage("--tags: " + e.getMessage());
        }
    }

    /**
     * NAME=VALUE → {"name","value"}; a bare VALUE → {"name":"","value"} (a positional argument). With
     * {@code secrets}, a value {@code @FILE} or {@code @-} is read from there and {@code @@…} stands for {@code @…}.
     */
    static ArrayNode parameterArray(List<String> specs, SecretInput secrets) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (String spec : specs) {
            int equals = spec.indexOf('=');
            String name = equals < 0 ? "" : spec.substring(0, equals);
            String value = equals < 0 ? spec : spec.substring(equals + 1);
            if (secrets != null && value.startsWith("@@")) {
                value = value.substring(1);
            } else if (secrets != null && value.startsWith("@")) {
                value = secrets.read("--protected-parameters " + (name.isEmpty() ? value : name), value);
            }
            ObjectNode parameter = array.addObject();
            parameter.put("name", name);
            parameter.put("value", value);
        }
        return array;
    }

    private static void putIfGiven(ObjectNode properties, String name, Integer value) {
        if (value != null) {
            properties.put(name, value);
        }
    }

    private static void putIfGiven(ObjectNode properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }
}
