package dev.runcmd.gateway.dispatch;

import dev.runcmd.gateway.config.Secrets;
import dev.runcmd.gateway.store.ClaimedRun;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Shell;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns claimed executions into the Run messages an agent receives.
 *
 * <p>Parameters are stored as {@code [{"name":..,"value":..}]}; a missing name makes a
 * positional argument and a missing value an empty one (the agent skips empty values).
 */
final class RunMessages {

    private RunMessages() {
    }

    /**
     * The Run for a claimed execution, its secrets opened with {@code secrets}, in the trace of {@code traceparent}
     * ("" for none).
     *
     * @throws IllegalArgumentException when a sealed secret cannot be opened (another key)
     */
    static Run toRun(ClaimedRun run, Secrets secrets, String traceparent) {
        JsonArray protectedParameters = run.sealedProtectedParameters() == null ? run.protectedParameters()
                : new JsonArray(secrets.open(run.sealedProtectedParameters()));
        Run.Builder builder = Run.newBuilder()
                .setExecutionId(run.id().toString())
                .setRunCommandName(run.runCommandName())
                .setScript(orEmpty(run.script()))
                .setShell(run.shell() == null ? Shell.SHELL_DEFAULT : Shell.valueOf(run.shell()))
                .addAllParameters(toParameters(run.parameters()))
                .addAllProtectedParameters(toParameters(protectedParameters))
                .setTimeoutSeconds(Math.max(0, run.timeoutSeconds()))
                .setScriptUri(orEmpty(run.scriptUri()))
                .setRunAsUser(orEmpty(run.runAsUser()))
                .setOutputBlobUri(orEmpty(secrets.openIfSealed(run.outputBlobUri())))
                .setErrorBlobUri(orEmpty(secrets.openIfSealed(run.errorBlobUri())))
                .setCommandId(orEmpty(run.commandId()))
                .setTraceparent(traceparent);
        if (run.sealedRunAsPassword() != null) {
            builder.setRunAsPassword(secrets.open(run.sealedRunAsPassword()));
        }
        return builder.build();
    }

    static GatewayMessage toMessage(Run run) {
        return GatewayMessage.newBuilder().setRun(run).build();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static List<Parameter> toParameters(JsonArray stored) {
        if (stored == null) {
            return List.of();
        }
        List<Parameter> parameters = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            JsonObject entry = stored.getJsonObject(i);
            parameters.add(Parameter.newBuilder()
                    .setName(text(entry, "name"))
                    .setValue(text(entry, "value"))
                    .build());
        }
        return parameters;
    }

    private static String text(JsonObject entry, String key) {
        Object value = entry == null ? null : entry.getValue(key);
        return value == null ? "" : value.toString();
    }
}
