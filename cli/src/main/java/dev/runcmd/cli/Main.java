package dev.runcmd.cli;

import dev.runcmd.cli.command.DemoCommand;
import dev.runcmd.cli.command.ExitCodes;
import dev.runcmd.cli.command.MachineCommand;
import dev.runcmd.cli.command.RunCommandCommand;
import dev.runcmd.cli.command.UpCommand;
import dev.runcmd.cli.http.ArmException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runcmd} command line. */
@Command(name = "runcmd", mixinStandardHelpOptions = true, version = "runcmd 0.1.0",
        description = "Run scripts on your machines, see their output, keep their history.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, UpCommand.class, RunCommandCommand.class,
                MachineCommand.class},
        footer = {"", "Exit codes: a waiting `run-command create` exits with the script's exit code;"
                + " 124 timed out, 125 canceled, 1 API error or failure without exit code, 2 bad usage."})
public final class Main {

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ArmException arm) {
                cmd.getErr().println("runcmd: " + arm);
            } else {
                cmd.getErr().println("runcmd: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            }
            return ExitCodes.ERROR;
        });
        System.exit(commandLine.execute(args));
    }
}
