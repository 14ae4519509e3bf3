package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.OutputFollower;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runcmd run-command logs}: prints a run command's output (stdout to stdout, stderr to
 * stderr); with {@code --follow}, as it is produced until the execution ends, then exits with the
 * script's exit code. Ctrl-C detaches; the command keeps running.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a run command's full output; --follow streams it live and exits with the script's exit code.",
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd run-command logs -n backup",
                "  runcmd run-command logs -n backup -f",
                "  runcmd run-command logs -n backup --machine-name db-1 > backup.log"})
final class RunCommandLogs implements Callable<Integer> {

    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @Option(names = {"-f", "--follow"}, description = "Keep printing output as it is produced, until the execution ends.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        ArmClient client = options.client();
        String path = client.runCommandPath(target.machine(), target.name);
        if (!follow) {
            client.download(path + "/output?stream=stdout", System.out);
            client.download(path + "/output?stream=stderr", System.err);
            return ExitCodes.OK;
        }
        return followToEnd(client, path, "runcmd: detached; the command keeps running");
    }

    /**
     * Follows the output to the end; answers the exit code standing for the end. Ctrl-C meanwhile
     * detaches (the command keeps running) and prints {@code onDetach}.
     */
    static int followToEnd(ArmClient client, String path, String onDetach) throws Exception {
        OutputFollower.End end;
        Thread detach = new Thread(() -> System.err.println(System.lineSeparator() + onDetach), "runcmd-detach");
        Runtime.getRuntime().addShutdownHook(detach);
        try (LiveOutput live = new LiveOutput(client, path)) {
            end = new OutputFollower(client).follow(path, live);
        } finally {
            removeHook(detach);
        }
        if (!"Succeeded".equals(end.state())) {
            System.err.printf("runcmd: %s, exit code %d, %s%n", end.state(), end.exitCode(), end.message());
        }
        return ExitCodes.of(end.state(), end.exitCode());
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C arrived: the hook runs.
        }
    }
}
