package dev.runcmd.control.auth;

import java.util.List;

/**
 * A role definition in Azure's shape ({@code Microsoft.Authorization/roleDefinitions}).
 *
 * @param id the definition's ARM id under the subscription asked about
 * @param name its GUID
 * @param type {@code Microsoft.Authorization/roleDefinitions}
 * @param properties its name and permissions
 */
public record RoleDefinitionView(String id, String name, String type, Properties properties) {

    /** The ARM resource type. */
    public static final String TYPE = "Microsoft.Authorization/roleDefinitions";

    /**
     * The role's properties.
     *
     * @param roleName the role's name
     * @param type {@code BuiltInRole}: runcmd has no custom roles
     * @param description what it is for
     * @param assignableScopes where it may be assigned: everywhere
     * @param permissions what it grants
     */
    public record Properties(String roleName, String type, String description, List<String> assignableScopes,
            List<Permission> permissions) {
    }

    /**
     * A role's permissions.
     *
     * @param actions the actions granted (wildcards allowed)
     * @param notActions the actions excluded from them
     * @param dataActions none in runcmd
     * @param notDataActions none in runcmd
     */
    public record Permission(List<String> actions, List<String> notActions, List<String> dataActions,
            List<String> notDataActions) {
    }

    /** The view of a role under {@code subscriptionId} (null: at the root). */
    public static RoleDefinitionView of(RoleDefinition role, String subscriptionId) {
        String id = subscriptionId == null ? "/providers/Microsoft.Authorization/roleDefinitions/" + role.id()
                : role.resourceId(subscriptionId);
        return new RoleDefinitionView(id, role.id(), TYPE, new Properties(role.name(), "BuiltInRole",
                role.description(), List.of(Scopes.ROOT),
                List.of(new Permission(role.actions(), role.notActions(), List.of(), List.of()))));
    }

    /** The full id of role {@code roleId} as seen from {@code scope}, as Azure writes it in assignments. */
    public static String idAt(String scope, String roleId) {
        String subscription = Scopes.subscriptionOf(scope);
        return (subscription == null ? "" : "/subscriptions/" + subscription)
                + "/providers/Microsoft.Authorization/roleDefinitions/" + roleId;
    }
}
