package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runcmd run-command wait}: waits for the current execution of a run command to end and exits like a waiting
 * {@code create}: the script's exit code, 124 timed out, 125 canceled; {@link ExitCodes#WAIT_TIMED_OUT} when
 * {@code --timeout} passes first (the execution keeps running).
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Wait for a run command's current execution to end; exits with the script's exit code.",
        footer = {"", "Examples:",
                "  runcmd run-command create -n build --script-file build.sh --no-wait",
                "  runcmd run-command wait -n build --timeout 10m",
                "", "Exit codes: the script's exit code; 124 the execution timed out; 125 it was canceled;"
                        + " 75 --timeout passed first (the execution keeps running)."})
final class RunCommandWait implements Callable<Integer> {

    @Mixin ClientOptions options;
    @Mixin RunCommandCommand.Target target;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Stop waiting after this long (90, 30s, 10m, 1h; default: wait until it ends).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        ArmClient client = options.client();
        String path = client.runCommandPath(target.machine(), target.name);
        client.get(path); // a missing run command fails here, with the API's ResourceNotFound
        if (timeout == null) {
            return awaitAndReport(options, client, path);
        }
        FutureTask<Integer> wait = new FutureTask<>(() -> awaitAndReport(options, client, path));
        Thread waiter = new Thread(wait, "runcmd-wait");
        waiter.setDaemon(true); // a wait given up on must not keep the JVM alive
        waiter.start();
        try {
            return wait.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            wait.cancel(true);
            System.err.println("runcmd: stopped waiting after " + timeout.toSeconds() + " s; '" + target.name
                    + "' keeps running (exit code " + ExitCodes.WAIT_TIMED_OUT + ")");
            return ExitCodes.WAIT_TIMED_OUT;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Waits for the execution at {@code path} to end, prints it as {@code options} say; answers the exit code. */
    static int awaitAndReport(ClientOptions options, ArmClient client, String path) throws Exception {
        // Live output and messages for people only with the table format; any other format prints the result alone.
        ExecutionWait.Outcome outcome = ExecutionWait.await(client, path, options.out().tabular());
        if (!options.out().tabular()) {
            options.out().print(outcome.runCommand());
        }
        return outcome.exitCode();
    }
}
