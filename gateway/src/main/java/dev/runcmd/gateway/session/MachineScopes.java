package dev.runcmd.gateway.session;

import dev.runcmd.proto.agent.v1.MachineScope;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation and naming of machine scopes, shared by the agent stream and the internal API.
 */
public final class MachineScopes {

    /** The machine-name rule of agent.proto. */
    private static final Pattern MACHINE_NAME = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.-]{1,54}");

    private MachineScopes() {
    }

    /**
     * What is wrong with the scope, as a sentence naming the field under {@code prefix}, or
     * empty when it is valid.
     */
    public static Optional<String> problem(MachineScope scope, String prefix) {
        if (scope.getSubscriptionId().isEmpty()) {
            return Optional.of(prefix + ".subscription_id must not be empty");
        }
        if (scope.getResourceGroup().isEmpty()) {
            return Optional.of(prefix + ".resource_group must not be empty");
        }
        if (!MACHINE_NAME.matcher(scope.getMachineName()).matches()) {
            return Optional.of(prefix + ".machine_name \"" + abbreviate(scope.getMachineName())
                    + "\" does not match [a-zA-Z0-9-_.]{1,54} or is '.' or '..'");
        }
        return Optional.empty();
    }

    /** The scope as "subscription/resourceGroup/name", for messages and logs. */
    public static String describe(MachineScope scope) {
        return scope.getSubscriptionId() + "/" + scope.getResourceGroup() + "/" + scope.getMachineName();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
