package dev.runcmd.control.arm;

import java.util.regex.Pattern;

/** The name rules of the resources in the path, checked before anything is read or written. */
public final class ResourceNames {

    /** The machine name rule, for messages. */
    public static final String MACHINE_RULE =
            "1 to 54 characters from letters, digits, '-', '_' and '.', other than '.' and '..'";

    /* "." and ".." are not names: as path segments they mean the resource itself or its parent. */
    private static final Pattern MACHINE = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.-]{1,54}");
    private static final Pattern RUN_COMMAND = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.-]{1,36}");
    /*
     * Subscriptions and resource groups are free text elsewhere, but a join token's end up in certificates (URI
     * names, ASCII only): ARM's resource group characters without its non-ASCII letters.
     */
    private static final Pattern SCOPE = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.()-]{1,90}");
    private static final Pattern JOIN_TOKEN_ID = Pattern.compile("[0-9a-f]{16}");

    private ResourceNames() {
    }

    /** True when the name follows the machine name rule. */
    public static boolean isMachine(String name) {
        return name != null && MACHINE.matcher(name).matches();
    }

    /** Returns the machine name, or throws 400 InvalidResourceName when it breaks [a-zA-Z0-9-_.]{1,54}. */
    public static String requireMachine(String name) {
        if (!isMachine(name)) {
            throw ArmException.invalidResourceName("The machine name '" + name + "' is invalid: use " + MACHINE_RULE
                    + ".");
        }
        return name;
    }

    /** Returns the run command name, or throws 400 InvalidResourceName when it breaks [a-zA-Z0-9-_.]{1,36}. */
    public static String requireRunCommand(String name) {
        if (name == null || !RUN_COMMAND.matcher(name).matches()) {
            throw ArmException.invalidResourceName("The run command name '" + name + "' is invalid: use 1 to 36 "
                    + "characters from letters, digits, '-', '_' and '.', other than '.' and '..'.");
        }
        return name;
    }

    /**
     * Returns the subscription id, or throws 400 InvalidSubscriptionId when it breaks [a-zA-Z0-9-_.()]{1,90}
     * (checked where the scope is written into certificates: join tokens).
     */
    public static String requireSubscription(String subscriptionId) {
        if (subscriptionId == null || !SCOPE.matcher(subscriptionId).matches()) {
            throw new ArmException(400, "InvalidSubscriptionId", "The subscription id '" + subscriptionId
                    + "' is invalid: use 1 to 90 characters from letters, digits, '-', '_', '.', '(' and ')', other "
                    + "than '.' and '..'.");
        }
        return subscriptionId;
    }

    /**
     * Returns the resource group name, or throws 400 InvalidResourceGroup when it breaks [a-zA-Z0-9-_.()]{1,90}
     * (checked where the scope is written into certificates: join tokens).
     */
    public static String requireResourceGroup(String resourceGroup) {
        if (resourceGroup == null || !SCOPE.matcher(resourceGroup).matches()) {
            throw new ArmException(400, "InvalidResourceGroup", "The resource group name '" + resourceGroup
                    + "' is invalid: use 1 to 90 characters from letters, digits, '-', '_', '.', '(' and ')', other "
                    + "than '.' and '..'.");
        }
        return resourceGroup;
    }

    /**
     * Returns the join token id, or throws 400 InvalidResourceName when it is not 16 lower-case hexadecimal digits
     * (the second part of a token, and the name its list shows).
     */
    public static String requireJoinTokenId(String id) {
        if (id == null || !JOIN_TOKEN_ID.matcher(id).matches()) {
            throw ArmException.invalidResourceName("The join token id '" + id + "' is invalid: expected 16 "
                    + "lower-case hexadecimal digits, as the token list shows it (the token's second part).");
        }
        return id;
    }
}
