package dev.runcmd.gateway.dispatch;

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

    /** One GatewayMessage carrying a Run per claimed execution, in the given order. */
    static List<GatewayMessage> toMessages(List<ClaimedRun> runs) {
        List<GatewayMessage> messages = new ArrayList<>(runs.size());
        for (ClaimedRun run : runs) {
            messages.add(GatewayMessage.newBuilder().setRun(toRun(run)).build());
        }
        return messages;
    }

    static Run toRun(ClaimedRun run) {
        return Run.newBuilder()
                .setExecutionId(run.id().toString())
                .setRunCommandName(run.runCommandName())
                .setScript(run.script())
                .setShell(Shell.SHELL_DEFAULT)
                .addAllParameters(toParameters(run.parameters()))
                .addAllProtectedParameters(toParameters(run.protectedParameters()))
                .setTimeoutSeconds(Math.max(0, run.timeoutSeconds()))
                .build();
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
