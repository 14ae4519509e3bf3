package dev.runcmd.cli.http;

import java.util.Locale;

/**
 * A role assignment's id: {@code {scope}/providers/Microsoft.Authorization/roleAssignments/{name}}, the root scope
 * written as nothing ({@code /providers/Microsoft.Authorization/roleAssignments/{name}}).
 *
 * @param scope where the assignment applies
 * @param name the assignment's name, a UUID
 */
public record RoleAssignmentId(ArmScope scope, String name) {

    /** The collection's path below a scope. */
    static final String COLLECTION = "/providers/Microsoft.Authorization/roleAssignments";

    /** Parses an id as {@code role assignment list} shows it; IllegalArgumentException saying the form. */
    public static RoleAssignmentId parse(String id) {
        String text = id == null ? "" : id.strip();
        int at = text.toLowerCase(Locale.ROOT).lastIndexOf(COLLECTION.toLowerCase(Locale.ROOT) + "/");
        String name = at < 0 ? "" : text.substring(at + COLLECTION.length() + 1);
        if (at < 0 || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("'" + id + "' is not a role assignment id: expected "
                    + "{scope}/providers/Microsoft.Authorization/roleAssignments/{name}, as `runcmd role assignment list` shows it");
        }
        String scope = text.substring(0, at);
        return new RoleAssignmentId(scope.isEmpty() ? ArmScope.ROOT : ArmScope.parse(scope), name);
    }

    /** The assignment's URL path, each segment percent-encoded. */
    public String path() {
        return scope.roleAssignmentsPath() + "/" + ArmClient.encode(name);
    }

    /** The id as ARM writes it. */
    @Override
    public String toString() {
        return (scope.isRoot() ? "" : scope.toString()) + COLLECTION + "/" + name;
    }
}
