package dev.runcmd.cli;

import dev.runcmd.cli.command.ActivityLogCommand;
import dev.runcmd.cli.command.AuthCommand;
import dev.runcmd.cli.command.CompletionCommand;
import dev.runcmd.cli.command.DemoCommand;
import dev.runcmd.cli.command.JobCommand;
import dev.runcmd.cli.command.ErrorReport;
import dev.runcmd.cli.command.LoginCommand;
import dev.runcmd.cli.command.LogoutCommand;
import dev.runcmd.cli.command.MachineCommand;
import dev.runcmd.cli.command.OperationCommand;
import dev.runcmd.cli.command.RoleCommand;
import dev.runcmd.cli.command.RunCommandCommand;
import dev.runcmd.cli.command.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runcmd} command line. */
@Command(name = "runcmd", mixinStandardHelpOptions = true, version = "runcmd 0.1.0",
        description = "Run scripts on your machines, see their output, keep their history.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, UpCommand.class, RunCommandCommand.class, OperationCommand.class, JobCommand.class,
                MachineCommand.class, AuthCommand.class, RoleCommand.class, ActivityLogCommand.class,
                LoginCommand.class, LogoutCommand.class, CompletionCommand.class},
        footer = {"", "Examples:",
                "  runcmd up",
                "  runcmd run-command create --name hello --script 'echo hello' --follow",
                "  runcmd run-command show -n hello --query properties.instanceView.exitCode",
                "  runcmd machine list -o yaml",
                "  runcmd run-command list --query \"[].name\" -o tsv",
                "  source <(runcmd completion bash)",
                "",
                "Every client command takes -o/--output json|jsonc|yaml|table|tsv|none (env RUNCMD_OUTPUT) and "
                        + "--query JMESPATH; every list follows all pages and takes --top N.",
                "", "Exit codes: a waiting `run-command create`, `update` or `wait` exits with the script's exit code;"
                + " 124 timed out, 125 canceled, 1 API error or failure without exit code, 2 bad usage,"
                + " 75 `wait --timeout` passed first, 77 no credential, or the API refused it (401) or the action (403)."})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with runcmd's error reporting (what {@link #main} runs; tests run it too). */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> ErrorReport.print(cmd.getErr(), e));
        // @FILE is runcmd's own syntax for secrets read from a file (--run-as-password @FILE,
        // --protected-parameters NAME=@FILE), not picocli's argument files.
        commandLine.setExpandAtFiles(false);
        // picocli's own help command, whose annotation is not ours to extend, shows examples like every other.
        commandLine.getSubcommands().get("help").getCommandSpec().usageMessage().footerHeading("%nExamples:%n")
                .footer("  runcmd help run-command create", "  runcmd help job logs");
        return commandLine;
    }
}
