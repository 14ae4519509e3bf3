package dev.runcmd.cli.command;

import picocli.CommandLine.Command;

/** {@code runcmd auth token [create|list|revoke]}: the credential the CLI presents, and runcmd tokens. */
@Command(name = "auth", mixinStandardHelpOptions = true,
        description = "The bearer token the CLI presents, and runcmd tokens for automation.",
        subcommands = AuthTokenCommand.class)
public final class AuthCommand {
}
