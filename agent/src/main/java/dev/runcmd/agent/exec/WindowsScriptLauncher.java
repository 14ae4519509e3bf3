package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs PowerShell scripts on Windows, as Azure's Windows handler does: the script is written to
 * {@code <execDir>/script.ps1} (UTF-8 with a byte-order mark, so Windows PowerShell 5.1 reads
 * non-ASCII text correctly) and started as {@code powershell.exe -NoProfile -NonInteractive
 * -ExecutionPolicy Bypass -File <script.ps1> <args...>}.
 *
 * <p>Parameters, public first and then protected, in their order: a named one becomes
 * {@code -name value}, an unnamed one a positional value; empty values are skipped. Names must be
 * PowerShell parameter names (letters, digits, underscore).
 *
 * <p>Output is appended to the run dir's files. There is no exit-code wrapper on Windows: the exit
 * code comes from the process itself, so an execution whose agent restarted is reported as lost
 * (reattaching is not supported on Windows).
 *
 * <p>Windows has no process groups: {@link WindowsTreeKiller} ends the tree by parent links.
 * {@code run_as_user} is not supported yet (it needs a logon with {@code run_as_password}); such
 * Runs are refused.
 */
public final class WindowsScriptLauncher implements ScriptLauncher {
    /** The interpreter. */
    static final String POWERSHELL = "powershell.exe";
    /** The file name of the script inside its exec directory. */
    static final String SCRIPT_FILE = "script.ps1";

    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final ProcessSpawner spawner;

    /** Creates a launcher that starts processes through {@code spawner}. */
    public WindowsScriptLauncher(ProcessSpawner spawner) {
        this.spawner = spawner;
    }

    @Override
    public Optional<String> unsupported(Run run) {
        if (!run.getRunAsUser().isEmpty()) {
            return Optional.of("runAsUser is not supported on Windows agents yet");
        }
        if (run.getShell() == Shell.SHELL_POSIX) {
            return Optional.of("a POSIX shell is not available on this Windows agent");
        }
        return Optional.empty();
    }

    @Override
    public Process launch(Run run, Path execDir, RunDir runDir) throws IOException {
        Path script = execDir.resolve(SCRIPT_FILE);
        ProcessBuilder builder = new ProcessBuilder(commandLine(run, script)).directory(execDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.output(OutputStream.STDOUT).toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(runDir.output(OutputStream.STDERR).toFile()));
        ScriptEnvironment.prepare(builder.environment(), run);
        Process process = spawner.start(builder, () -> write(execDir, script, run.getScript()));
        process.getOutputStream().close();
        return process;
    }

    /** The full command line for {@code run} with its script at {@code script}. */
    static List<String> commandLine(Run run, Path script) {
        List<String> command = new ArrayList<>(List.of(POWERSHELL, "-NoProfile", "-NonInteractive",
                "-ExecutionPolicy", "Bypass", "-File", script.toString()));
        command.addAll(arguments(run));
        return command;
    }

    /** The script's arguments: {@code -name value} for named parameters, the value for unnamed ones. */
    static List<String> arguments(Run run) {
        List<String> args = new ArrayList<>();
        for (Parameter p : all(run).toList()) {
            if (p.getValue().isEmpty()) {
                continue;
            }
            if (!p.getName().isEmpty()) {
                if (!PARAMETER_NAME.matcher(p.getName()).matches()) {
                    throw new IllegalArgumentException("parameter name '" + p.getName().replace('\0', '?')
                            + "' is not a PowerShell parameter name");
                }
                args.add("-" + p.getName());
            }
            if (p.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a parameter value contains a NUL character");
            }
            args.add(p.getValue());
        }
        return args;
    }

    private static void write(Path execDir, Path script, String text) throws IOException {
        Files.createDirectories(execDir);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[UTF8_BOM.length + body.length];
        System.arraycopy(UTF8_BOM, 0, bytes, 0, UTF8_BOM.length);
        System.arraycopy(body, 0, bytes, UTF8_BOM.length, body.length);
        Files.write(script, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private static Stream<Parameter> all(Run run) {
        return Stream.concat(run.getParametersList().stream(), run.getProtectedParametersList().stream());
    }
}
