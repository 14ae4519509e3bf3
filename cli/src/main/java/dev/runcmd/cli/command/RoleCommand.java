package dev.runcmd.cli.command;

import picocli.CommandLine.Command;

/** {@code runcmd role assignment ...} and {@code runcmd role definition list}, as {@code az role}. */
@Command(name = "role", mixinStandardHelpOptions = true,
        description = "Who may do what where: role assignments (a role, a principal, a scope) and the built-in roles.",
        subcommands = {RoleAssignmentCommand.class, RoleDefinitionCommand.class})
public final class RoleCommand {
}
