package dev.runcmd.control.auth;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ResourceNames;
import java.util.Locale;

/**
 * The scopes a role can be assigned at, as Azure writes them: {@code /} (everything), a subscription
 * {@code /subscriptions/{sub}}, a resource group {@code /subscriptions/{sub}/resourceGroups/{rg}}, or one machine
 * {@code /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines/{name}}. A scope
 * covers itself and everything under it.
 */
public final class Scopes {

    /** The root scope: every subscription. */
    public static final String ROOT = "/";

    private Scopes() {
    }

    /**
     * Returns the scope in its canonical spelling ({@code resourceGroups}, {@code providers},
     * {@code Microsoft.HybridCompute/machines}), or throws 400 InvalidScope saying which forms are accepted.
     */
    public static String require(String scope) {
        if (scope == null || scope.isBlank()) {
            throw invalid(scope);
        }
        if (scope.equals(ROOT)) {
            return ROOT;
        }
        String[] parts = scope.split("/", -1);
        // "", "subscriptions", sub [, "resourceGroups", rg [, "providers", "Microsoft.HybridCompute", "machines", m]]
        if (parts.length != 3 && parts.length != 5 && parts.length != 9 || !parts[0].isEmpty()
                || !parts[1].equalsIgnoreCase("subscriptions")) {
            throw invalid(scope);
        }
        StringBuilder canonical = new StringBuilder("/subscriptions/").append(requireName(parts[2], scope));
        if (parts.length >= 5) {
            if (!parts[3].equalsIgnoreCase("resourceGroups")) {
                throw invalid(scope);
            }
            canonical.append("/resourceGroups/").append(requireName(parts[4], scope));
        }
        if (parts.length == 9) {
            if (!parts[5].equalsIgnoreCase("providers") || !parts[6].equalsIgnoreCase("Microsoft.HybridCompute")
                    || !parts[7].equalsIgnoreCase("machines") || !ResourceNames.isMachine(parts[8])) {
                throw invalid(scope);
            }
            canonical.append("/providers/Microsoft.HybridCompute/machines/").append(parts[8]);
        }
        return canonical.toString();
    }

    /** Whether {@code scope} covers {@code resourceId}: it is the resource or one of its ancestors. */
    public static boolean covers(String scope, String resourceId) {
        if (scope.equals(ROOT)) {
            return true;
        }
        String lowerScope = scope.toLowerCase(Locale.ROOT);
        String lowerId = resourceId.toLowerCase(Locale.ROOT);
        return lowerId.equals(lowerScope) || lowerId.startsWith(lowerScope + "/");
    }

    /** The subscription a scope or resource id lies in, or null for the root scope. */
    public static String subscriptionOf(String resourceId) {
        String[] parts = resourceId.split("/", 4);
        return parts.length >= 3 && parts[1].equalsIgnoreCase("subscriptions") ? parts[2] : null;
    }

    private static String requireName(String name, String scope) {
        try {
            return ResourceNames.requireResourceGroup(name);
        } catch (ArmException malformed) {
            throw invalid(scope);
        }
    }

    private static ArmException invalid(String scope) {
        return new ArmException(400, "InvalidScope", "The scope '" + scope + "' is not valid: use '/', "
                + "'/subscriptions/{subscriptionId}', '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}' "
                + "or '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/"
                + "Microsoft.HybridCompute/machines/{machineName}'.");
    }
}
