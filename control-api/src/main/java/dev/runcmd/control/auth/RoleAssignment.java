package dev.runcmd.control.auth;

import java.time.OffsetDateTime;

/**
 * A principal holding a built-in role at a scope.
 *
 * @param id the assignment's name (a GUID)
 * @param scope the canonical scope ({@link Scopes})
 * @param roleDefinitionId the role's GUID
 * @param principalId the user's, group's or application's object id, or a runcmd token's principal id
 * @param principalType {@code User}, {@code Group} or {@code ServicePrincipal}
 * @param createdAt when it was made
 * @param createdBy who made it
 */
public record RoleAssignment(String id, String scope, String roleDefinitionId, String principalId,
        String principalType, OffsetDateTime createdAt, String createdBy) {

    /** The role this assignment grants. */
    public RoleDefinition role() {
        return BuiltInRoles.byId(roleDefinitionId).orElseThrow(() -> new IllegalStateException(
                "role assignment " + id + " names an unknown role " + roleDefinitionId));
    }

    /** Whether this assignment lets its principal do {@code action} on {@code resourceId}. */
    public boolean permits(String action, String resourceId) {
        return Scopes.covers(scope, resourceId) && role().permits(action);
    }

    /** The assignment's ARM id: {@code {scope}/providers/Microsoft.Authorization/roleAssignments/{id}}. */
    public String resourceId() {
        return (scope.equals(Scopes.ROOT) ? "" : scope) + "/providers/Microsoft.Authorization/roleAssignments/" + id;
    }
}
