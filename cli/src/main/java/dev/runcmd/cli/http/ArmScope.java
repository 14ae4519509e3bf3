package dev.runcmd.cli.http;

import java.util.List;
import java.util.Locale;

/**
 * A scope role assignments and runcmd tokens apply at, and inherit downwards from: the root {@code /}, a
 * subscription, a resource group, or a machine. Parsed case-insensitively (as ARM ids are), kept in ARM's casing.
 *
 * @param subscriptionId the subscription, or null for the root
 * @param resourceGroup the resource group, or null above one
 * @param machine the machine, or null above one
 */
public record ArmScope(String subscriptionId, String resourceGroup, String machine) {

    /** The root scope, {@code /}: everything. */
    public static final ArmScope ROOT = new ArmScope(null, null, null);

    private static final String USAGE = "use /, /subscriptions/SUB, /subscriptions/SUB/resourceGroups/RG or "
            + "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.HybridCompute/machines/NAME";

    /** A subscription's scope. */
    public static ArmScope subscription(String subscriptionId) {
        return new ArmScope(subscriptionId, null, null);
    }

    /** The scope a text names; IllegalArgumentException saying which forms exist. */
    public static ArmScope parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.equals("/")) {
            return ROOT;
        }
        if (!trimmed.startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "' is not a scope: " + USAGE);
        }
        List<String> segments = List.of(trimmed.substring(1).split("/", -1));
        if (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
            segments = segments.subList(0, segments.size() - 1); // a trailing slash
        }
        if (segments.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + text + "' is not a scope: " + USAGE);
        }
        return switch (segments.size()) {
            case 2 -> keywords(segments, text, "subscriptions") ? subscription(segments.get(1)) : invalid(text);
            case 4 -> keywords(segments, text, "subscriptions", "resourceGroups")
                    ? new ArmScope(segments.get(1), segments.get(3), null) : invalid(text);
            case 8 -> keywords(segments, text, "subscriptions", "resourceGroups", "providers")
                    && segments.get(5).equalsIgnoreCase("Microsoft.HybridCompute")
                    && segments.get(6).equalsIgnoreCase("machines")
                    ? new ArmScope(segments.get(1), segments.get(3), segments.get(7)) : invalid(text);
            default -> invalid(text);
        };
    }

    private static boolean keywords(List<String> segments, String text, String... keywords) {
        for (int i = 0; i < keywords.length; i++) {
            if (!segments.get(2 * i).equalsIgnoreCase(keywords[i])) {
                return false;
            }
        }
        return true;
    }

    private static ArmScope invalid(String text) {
        throw new IllegalArgumentException("'" + text + "' is not a scope: " + USAGE);
    }

    /** Whether this is the root scope. */
    public boolean isRoot() {
        return subscriptionId == null;
    }

    /** The scope as ARM writes it, unencoded: what request bodies and filters carry. */
    @Override
    public String toString() {
        return isRoot() ? "/" : build(false);
    }

    /** The scope as a URL path, each segment percent-encoded; the root is the empty path. */
    public String path() {
        return isRoot() ? "" : build(true);
    }

    /** The role assignments collection at this scope: {@code {scope}/providers/Microsoft.Authorization/roleAssignments}. */
    public String roleAssignmentsPath() {
        return path() + RoleAssignmentId.COLLECTION;
    }

    private String build(boolean encoded) {
        StringBuilder scope = new StringBuilder("/subscriptions/").append(segment(subscriptionId, encoded));
        if (resourceGroup != null) {
            scope.append("/resourceGroups/").append(segment(resourceGroup, encoded));
        }
        if (machine != null) {
            scope.append("/providers/Microsoft.HybridCompute/machines/").append(segment(machine, encoded));
        }
        return scope.toString();
    }

    private static String segment(String value, boolean encoded) {
        return encoded ? ArmClient.encode(value) : value;
    }

    /** Lower-cased text, for comparing scopes as ARM does (case-insensitively). */
    public String key() {
        return toString().toLowerCase(Locale.ROOT);
    }
}
