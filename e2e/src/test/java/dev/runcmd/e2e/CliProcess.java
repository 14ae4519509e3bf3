package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.local.Artifacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged CLI run as a child process against the stack, as a user runs it: {@code runcmd run-command ...} or
 * any other command, with the stack's endpoint, scope and machine, and optionally text on its standard input.
 */
final class CliProcess {

    /** A finished run: exit code, stdout, stderr. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private final Stack stack;

    CliProcess(Stack stack) {
        this.stack = stack;
    }

    /** {@code runcmd run-command ARGS} on the main machine. */
    Run runCommand(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run-command"));
        all.addAll(List.of(args));
        all.addAll(List.of("--machine-name", Stack.MAIN_MACHINE));
        return run(null, all);
    }

    /** {@code runcmd run-command ARGS} on the main machine, {@code stdin} on its standard input. */
    Run runCommandWithStdin(String stdin, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run-command"));
        all.addAll(List.of(args));
        all.addAll(List.of("--machine-name", Stack.MAIN_MACHINE));
        return run(stdin, all);
    }

    /** {@code runcmd ARGS} (any command taking the client options). */
    Run run(String... args) throws Exception {
        return run(null, List.of(args));
    }

    private Run run(String stdin, List<String> args) throws Exception {
        Path out = Files.createTempFile("runcmd-cli-", ".out");
        Path err = Files.createTempFile("runcmd-cli-", ".err");
        Path in = Files.createTempFile("runcmd-cli-", ".in");
        try {
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(Artifacts.javaExecutable(), "-jar",
                    Artifacts.locate(System.getenv()).cliJar().toString()));
            command.addAll(args);
            command.addAll(List.of("--endpoint", "http://127.0.0.1:" + stack.apiPort(),
                    "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP));
            Process process = stack.cli(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "runcmd " + String.join(" ", args) + " did not end");
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            for (Path file : List.of(out, err, in)) {
                Files.deleteIfExists(file);
            }
        }
    }
}
