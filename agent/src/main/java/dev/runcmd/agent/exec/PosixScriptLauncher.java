package dev.runcmd.agent.exec;

import dev.runcmd.agent.exec.Accounts.Account;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs scripts on Linux. The script is written to {@code <execDir>/script}, created with mode 0700
 * (never chmod-ed afterwards). A script whose text starts with "#!" is executed directly, so the
 * kernel picks its interpreter; any other runs as {@code /bin/sh <file> <args...>}.
 *
 * <p>Both run under a wrapper shell started through {@code setsid}: the JVM's child is not a group
 * leader, so setsid makes it the leader of a new session and process group and execs the wrapper in
 * place (group id = pid). The wrapper ({@link #WRAPPER}) runs the script as its child, then writes the
 * script's exit code to the run dir's {@code exit} file (with the shell's own echo: no further
 * process; a file caught empty or half-written reads as no code, and is only read once the wrapper
 * is gone or to decide between reattaching and reporting) and exits with that code. It catches TERM, INT and HUP (its child gets the default dispositions back at exec), so
 * a TERM to the group ends the script while the wrapper survives to record 128 + 15; KILL ends both.
 * The wrapper's own stderr is /dev/null and the script gets the real one through a subshell (which
 * execs the script: no extra process), so what the shell says about its child ("Terminated") never
 * lands in the script's output.
 * The wrapper runs as the agent's user, outside setpriv, so it can write the file. The script's
 * stdout and stderr are appended to the run dir's files, never pipes.
 *
 * <p>With {@code run_as_user}, the agent (which must run as root) hands the exec dir and the script
 * to that user and starts {@code setsid setpriv --reuid --regid --init-groups -- ...}: setpriv
 * drops to the user's uid, gid and groups and execs in place, so the pid and the process group stay
 * the script's. HOME, USER and LOGNAME are the user's. {@code run_as_password} is not needed and
 * ignored on Linux (never logged).
 *
 * <p>Parameters follow Azure's Linux handler: named ones become environment variables, unnamed ones
 * positional arguments (public first, then protected), and empty values are skipped.
 */
public final class PosixScriptLauncher implements ScriptLauncher {
    /** The empty input every script gets. */
    static final File DEV_NULL = new File("/dev/null");
    /** The interpreter for scripts without a "#!" line. */
    static final String SHELL = "/bin/sh";
    /** The file name of the script inside its exec directory. */
    static final String SCRIPT_FILE = "script";
    /** The wrapper shell's program: $1 is the exit file, the rest the script's command line. */
    static final String WRAPPER = "exec 3>&2 2>/dev/null; trap : TERM INT HUP; e=$1; shift; "
            + "(\"$@\" 2>&3 3>&-); c=$?; echo $c > \"$e\"; exit $c";

    private final ProcessSpawner spawner;
    private final Accounts accounts;

    /** Creates a launcher that starts processes through {@code spawner} and finds run-as users in {@code accounts}. */
    public PosixScriptLauncher(ProcessSpawner spawner, Accounts accounts) {
        this.spawner = spawner;
        this.accounts = accounts;
    }

    @Override
    public Optional<String> unsupported(Run run) {
        if (run.getShell() == Shell.SHELL_POWERSHELL) {
            return Optional.of("PowerShell is not available on this Linux agent");
        }
        return Optional.empty();
    }

    @Override
    public Process launch(Run run, Path execDir, RunDir runDir)
            throws IOException, ExecutionFailure, InterruptedException {
        Account account = run.getRunAsUser().isEmpty() ? null : account(run.getRunAsUser());
        Path script = execDir.resolve(SCRIPT_FILE);
        ProcessBuilder builder = new ProcessBuilder(wrapped(runDir.exitFile(), command(run, script, account)))
                .directory(execDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.output(OutputStream.STDOUT).toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(runDir.output(OutputStream.STDERR).toFile()));
        if (account != null) {
            builder.environment().put("HOME", account.home());
            builder.environment().put("USER", account.name());
            builder.environment().put("LOGNAME", account.name());
        }
        builder.environment().putAll(named(run));
        return spawner.start(builder, () -> {
            write(execDir, script, run.getScript());
            if (account != null) {
                handOver(account, execDir, script);
            }
        });
    }

    /** The full command line: setsid, the wrapper shell with {@code exitFile}, then {@code command}. */
    static List<String> wrapped(Path exitFile, List<String> command) {
        List<String> full = new ArrayList<>(List.of("setsid", SHELL, "-c", WRAPPER, "runcmd-wrapper", exitFile.toString()));
        full.addAll(command);
        return full;
    }

    /** The script's command line: setpriv when running as {@code account} (may be null), interpreter, script, args. */
    static List<String> command(Run run, Path script, Account account) {
        List<String> command = new ArrayList<>();
        if (account != null) {
            command.addAll(List.of("setpriv", "--reuid=" + account.uid(), "--regid=" + account.gid(),
                    "--init-groups", "--"));
        }
        if (!run.getScript().startsWith("#!")) {
            command.add(SHELL);
        }
        command.add(script.toString());
        command.addAll(positional(run));
        return command;
    }

    private Account account(String user) throws ExecutionFailure, IOException, InterruptedException {
        if (!Accounts.agentIsRoot()) {
            throw new ExecutionFailure("the agent must run as root to run scripts as another user");
        }
        return accounts.find(user)
                .orElseThrow(() -> new ExecutionFailure("runAsUser '" + user + "' does not exist on this machine"));
    }

    /** Makes the exec dir and the script the user's, so the script can read (and execute) itself. */
    private static void handOver(Account account, Path... paths) throws IOException {
        for (Path path : paths) {
            Files.setAttribute(path, "unix:uid", account.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", account.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void write(Path execDir, Path script, String text) throws IOException {
        ExecDirs.createPrivate(execDir);
        try (SeekableByteChannel out = Files.newByteChannel(script,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ExecDirs.OWNER_ONLY)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
    }

    /** Unnamed, non-empty values: public ones first, then protected ones. */
    static List<String> positional(Run run) {
        List<String> args = new ArrayList<>();
        int index = 0;
        for (Parameter p : all(run).toList()) {
            if (p.getName().isEmpty() && !p.getValue().isEmpty()) {
                index++;
                if (p.getValue().indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("positional parameter " + index + " contains a NUL character");
                }
                args.add(p.getValue());
            }
        }
        return args;
    }

    /** Named, non-empty values as environment variables; a later parameter of a name wins. */
    static Map<String, String> named(Run run) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Parameter p : all(run).toList()) {
            if (!p.getName().isEmpty() && !p.getValue().isEmpty()) {
                if (p.getName().indexOf('=') >= 0 || p.getName().indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("parameter name '" + p.getName().replace('\0', '?')
                            + "' cannot be an environment variable name");
                }
                if (p.getValue().indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("parameter '" + p.getName() + "' contains a NUL character");
                }
                env.put(p.getName(), p.getValue());
            }
        }
        return env;
    }

    private static Stream<Parameter> all(Run run) {
        return Stream.concat(run.getParametersList().stream(), run.getProtectedParametersList().stream());
    }
}
