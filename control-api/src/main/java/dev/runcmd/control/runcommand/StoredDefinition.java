package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.secrets.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Moves a definition between its two forms: a validated {@link RunCommandRequest} and the columns of a
 * {@link RunCommandEntity}. Secrets are sealed on the way in; they are opened only to rebuild the full definition
 * a PATCH merges into, and that JSON never leaves the writing transaction and is never logged.
 */
@ApplicationScoped
class StoredDefinition {

    /** Who systemData names as creator and modifier of rows written before callers had an identity. */
    static final String ACTOR = "runcmd";

    /** The plain protected parameters columns are kept empty; the sealed columns hold the values. */
    private static final String NO_PLAIN_SECRETS = "[]";

    private final Secrets secrets;

    StoredDefinition(Secrets secrets) {
        this.secrets = secrets;
    }

    /**
     * Copies the request into the run command's columns, sealing the protected parameters, the password and the
     * blob URLs.
     */
    void apply(RunCommandRequest request, RunCommandEntity command) {
        command.location = request.location();
        command.tagsJson = JsonColumns.writeTags(request.tags());
        command.script = request.source().script();
        command.scriptUri = request.source().scriptUri();
        command.commandId = request.source().commandId();
        command.parametersJson = JsonColumns.writeParameters(request.parameters());
        command.protectedParametersJson = NO_PLAIN_SECRETS;
        command.protectedParametersSealed = secrets.sealParameters(request.protectedParameters());
        command.runAsUser = request.runAs().user();
        command.runAsPasswordSealed = secrets.sealPassword(request.runAs().password());
        command.outputBlobUri = secrets.sealUrl(request.blobs().outputBlobUri());
        command.errorBlobUri = secrets.sealUrl(request.blobs().errorBlobUri());
        command.asyncExecution = request.asyncExecution();
        command.timeoutSeconds = request.timeoutSeconds();
        command.deliveryTimeoutSeconds = request.deliveryTimeoutSeconds();
        command.dependsOnJson = JsonColumns.writeNames(request.dependsOn());
    }

    /** The run command's blob URLs, opened (they carry SAS tokens): for answers to its own callers only. */
    OutputBlobs blobs(RunCommandEntity command) {
        return new OutputBlobs(secrets.openUrl(command.outputBlobUri), secrets.openUrl(command.errorBlobUri));
    }

    /**
     * The stored definition as a PUT body, secrets included (opened), for a PATCH to merge into. Holds secrets:
     * never log it, never return it.
     */
    ObjectNode toJson(RunCommandEntity command) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode root = json.objectNode().put("location", command.location);
        ObjectNode tags = root.putObject("tags");
        JsonColumns.readTags(command.tagsJson).forEach(tags::put);
        ObjectNode properties = root.putObject("properties");
        source(properties.putObject("source"), ScriptSource.of(command));
        parameters(properties.putArray("parameters"), JsonColumns.readParameters(command.parametersJson));
        parameters(properties.putArray("protectedParameters"),
                secrets.openParameters(command.protectedParametersSealed));
        properties.put("runAsUser", command.runAsUser);
        properties.put("runAsPassword", secrets.openPassword(command.runAsPasswordSealed));
        OutputBlobs blobs = blobs(command);
        properties.put("outputBlobUri", blobs.outputBlobUri());
        properties.put("errorBlobUri", blobs.errorBlobUri());
        properties.put("asyncExecution", command.asyncExecution);
        properties.put("timeoutInSeconds", command.timeoutSeconds);
        properties.put("deliveryTimeoutInSeconds", command.deliveryTimeoutSeconds);
        JsonColumns.readNames(command.dependsOnJson).forEach(properties.putArray("dependsOn")::add);
        return root;
    }

    private static void source(ObjectNode source, ScriptSource stored) {
        Map<ScriptSource.Kind, String> member = Map.of(ScriptSource.Kind.SCRIPT, "script",
                ScriptSource.Kind.SCRIPT_URI, "scriptUri", ScriptSource.Kind.COMMAND_ID, "commandId");
        source.put(member.get(stored.kind()), stored.value());
    }

    private static void parameters(ArrayNode array, List<Parameter> parameters) {
        parameters.forEach(p -> array.addObject().put("name", p.name()).put("value", p.value()));
    }
}
