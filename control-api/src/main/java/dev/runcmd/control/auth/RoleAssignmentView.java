package dev.runcmd.control.auth;

import dev.runcmd.control.arm.ArmTime;

/**
 * A role assignment in Azure's shape ({@code Microsoft.Authorization/roleAssignments}, api-version 2022-04-01).
 *
 * @param id the assignment's ARM id
 * @param name its GUID
 * @param type {@code Microsoft.Authorization/roleAssignments}
 * @param properties what it grants to whom where
 */
public record RoleAssignmentView(String id, String name, String type, Properties properties) {

    /** The ARM resource type. */
    public static final String TYPE = "Microsoft.Authorization/roleAssignments";

    /**
     * The assignment's properties.
     *
     * @param roleDefinitionId the role's full id
     * @param principalId who holds it
     * @param principalType User, Group or ServicePrincipal
     * @param scope where it applies (and under)
     * @param createdOn when it was made
     * @param updatedOn the same: assignments are never changed
     * @param createdBy who made it
     * @param updatedBy the same
     */
    public record Properties(String roleDefinitionId, String principalId, String principalType, String scope,
            String createdOn, String updatedOn, String createdBy, String updatedBy) {
    }

    /** The view of a stored assignment. */
    public static RoleAssignmentView of(RoleAssignment assignment) {
        String created = ArmTime.format(assignment.createdAt());
        return new RoleAssignmentView(assignment.resourceId(), assignment.id(), TYPE, new Properties(
                RoleDefinitionView.idAt(assignment.scope(), assignment.roleDefinitionId()), assignment.principalId(),
                assignment.principalType(), assignment.scope(), created, created, assignment.createdBy(),
                assignment.createdBy()));
    }
}
