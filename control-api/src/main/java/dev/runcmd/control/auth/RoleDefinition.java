package dev.runcmd.control.auth;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A role: the actions it grants minus those it excludes, with Azure's wildcard ({@code *} matches any run of
 * characters, case-insensitively). runcmd's roles are built in ({@link BuiltInRoles}).
 *
 * @param id the role definition's GUID (Azure's own for Reader, Contributor and Owner)
 * @param name the role's name, e.g. {@code Reader}
 * @param description what it is for
 * @param actions the actions granted
 * @param notActions the actions taken out of {@code actions}
 */
public record RoleDefinition(String id, String name, String description, List<String> actions,
        List<String> notActions) {

    public RoleDefinition {
        actions = List.copyOf(actions);
        notActions = List.copyOf(notActions);
    }

    /** Whether this role grants {@code action}. */
    public boolean permits(String action) {
        return actions.stream().anyMatch(pattern -> matches(pattern, action))
                && notActions.stream().noneMatch(pattern -> matches(pattern, action));
    }

    /** The role definition's ARM id under a subscription, as Azure spells it. */
    public String resourceId(String subscriptionId) {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.Authorization/roleDefinitions/" + id;
    }

    static boolean matches(String pattern, String action) {
        String lowerPattern = pattern.toLowerCase(Locale.ROOT);
        String lowerAction = action.toLowerCase(Locale.ROOT);
        if (!lowerPattern.contains("*")) {
            return lowerPattern.equals(lowerAction);
        }
        StringBuilder regex = new StringBuilder();
        for (String part : lowerPattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return lowerAction.matches(regex.toString());
    }
}
