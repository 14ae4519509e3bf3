package dev.runcmd.control.auth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * runcmd's roles. Reader, Contributor and Owner mean (and are numbered) what they do in Azure; the two Run Command
 * Operator roles let a team run scripts without managing machines, join tokens or access, the first only as a
 * named non-root user ({@code runAsUser}), the second also as the agent's own user (root).
 */
public final class BuiltInRoles {

    public static final RoleDefinition READER = new RoleDefinition("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader",
            "View everything: machines, run commands and their output, join tokens (never their secrets), role "
                    + "assignments and the activity log. Changes nothing.",
            List.of("*/read"), List.of());

    private static final List<String> OPERATOR_ACTIONS = List.of(Actions.MACHINE_READ, Actions.RUN_COMMAND_READ,
            Actions.RUN_COMMAND_WRITE, Actions.RUN_COMMAND_CANCEL, Actions.JOB_READ, Actions.JOB_WRITE,
            Actions.JOB_CANCEL);

    public static final RoleDefinition RUN_COMMAND_OPERATOR = new RoleDefinition(
            "7f2c9d8e-4b1a-4c3e-9a5d-2e6f8b0c1d3a", "Run Command Operator",
            "Run scripts on machines, follow their output and cancel them, as a named user (runAsUser) other than "
                    + "root. Cannot delete run commands or machines, create join tokens or grant access.",
            OPERATOR_ACTIONS, List.of());

    public static final RoleDefinition RUN_COMMAND_ROOT_OPERATOR = new RoleDefinition(
            "3b8e5f1c-9d2a-4e7b-8c6f-1a0d4e9b7c52", "Run Command Root Operator",
            "Everything Run Command Operator may do, and run scripts as the agent's own user (root).",
            concat(OPERATOR_ACTIONS, Actions.RUN_COMMAND_AS_ROOT), List.of());

    public static final RoleDefinition CONTRIBUTOR = new RoleDefinition("b24988ac-6180-42a0-ab88-20f7382dd24c",
            "Contributor",
            "Manage everything (run as root, delete machines, create join tokens) but grant access: no role "
                    + "assignments, no runcmd tokens.",
            List.of("*"), List.of("Microsoft.Authorization/*/write", "Microsoft.Authorization/*/delete",
                    "runcmd.Authorization/*/write", "runcmd.Authorization/*/delete"));

    public static final RoleDefinition OWNER = new RoleDefinition("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
            "Everything, including role assignments and runcmd tokens.", List.of("*"), List.of());

    /** Every built-in role, least to most powerful. */
    public static final List<RoleDefinition> ALL = List.of(READER, RUN_COMMAND_OPERATOR, RUN_COMMAND_ROOT_OPERATOR,
            CONTRIBUTOR, OWNER);

    private BuiltInRoles() {
    }

    /** The role with this GUID. */
    public static Optional<RoleDefinition> byId(String id) {
        return ALL.stream().filter(role -> role.id().equalsIgnoreCase(id)).findFirst();
    }

    /** The role with this name, case-insensitively. */
    public static Optional<RoleDefinition> byName(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(role -> role.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    /**
     * The role a role definition reference names: a GUID, or a full id
     * {@code …/providers/Microsoft.Authorization/roleDefinitions/<guid>}.
     */
    public static Optional<RoleDefinition> byReference(String reference) {
        int slash = reference.lastIndexOf('/');
        return byId(slash < 0 ? reference : reference.substring(slash + 1));
    }

    private static List<String> concat(List<String> first, String last) {
        return java.util.stream.Stream.concat(first.stream(), java.util.stream.Stream.of(last)).toList();
    }
}
