package dev.runcmd.agent.exec;

import dev.runcmd.agent.exec.Accounts.Account;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.OutputStream;
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
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs scripts on Linux. The script is written to {@code <execDir>/script}, created with mode 0700
 * (never chmod-ed afterwards), and its parameters, if it has any, to {@code <execDir>/launch} (0600,
 * {@link LaunchFile}). The script's own shell, {@code /bin/sh -c PROGRAM <script> [<launch>]}, reads the launch file
 * (which exports the named values, sets the positional ones and removes itself with {@code rm}), then runs the
 * script: one without a "#!" line in that same shell ({@code . script}, so {@code $0} is the script's path and no
 * value is on any command line), one with a "#!" line by exec, so the kernel picks its interpreter and the positional
 * values become its arguments (a protected one would then show in {@code /proc/<pid>/cmdline}, so such a run is
 * refused). A run without parameters gets no launch file: nothing to hand over, and no {@code rm} process to start.
 *
 * <p>A script without a "#!" line runs with {@code /bin/bash}, as under Azure's Linux handler (Azure scripts use
 * arrays, {@code [[ ]]}, {@code ${var//a/b}} and process substitution, which dash, Debian's {@code /bin/sh},
 * rejects); only where bash is missing does it run with {@code /bin/sh}. The choice is made at launch by the
 * script's own shell ({@link #sourcedWithBash}): {@code /bin/sh} tests {@code [ -x /bin/bash ]} and execs bash with
 * the same program and arguments (no extra process; the pid stays the script's). Testing there rather than in the
 * agent means the answer is the one of the script's mount namespace (the host's, with host namespaces) and of its
 * user (after setpriv).
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
 * <p>The helpers before the script's shell ({@code setsid}, the wrapper, {@code setpriv}) are found in the system
 * directories ({@link SystemTools}), never through PATH, and run with the agent's own environment: parameters
 * reach only the script's shell, through the launch file.
 *
 * <p>With {@code run_as_user}, the agent (which must run as root) hands the exec dir, the script and the launch
 * file to that user and starts {@code setsid setpriv --reuid --regid --init-groups -- ...}: setpriv
 * drops to the user's uid, gid and groups and execs in place, so the pid and the process group stay
 * the script's. HOME, USER and LOGNAME are the user's. {@code run_as_password} is not needed and
 * ignored on Linux (never logged).
 *
 * <p>With host namespaces ({@code --host-namespaces}, for an agent in a Kubernetes DaemonSet pod with
 * {@code hostPID: true} and privileges), the wrapper starts through
 * {@code nsenter --target 1 --mount --uts --ipc --net --pid --no-fork --wd=<execDir> --}, after setsid: the wrapper
 * and the script then see the host's file systems, host name, IPC and network, and their processes are the
 * host's. {@code --no-fork} keeps the pid setsid made a group leader (with {@code hostPID} the pid namespace is the
 * host's already, so nothing is lost), and {@code --wd} puts the script back in its exec dir, since entering a mount
 * namespace moves to its root. Every path after nsenter (the shell, the exec dir, the run dir's exit file,
 * setpriv) is looked up in the host's mount namespace, so the work dir must be a hostPath mounted at the same path
 * in the container.
 *
 * <p>Parameters follow Azure's Linux handler: named ones become environment variables, unnamed ones
 * positional arguments (public first, then protected), and empty values are skipped.
 */
public final class PosixScriptLauncher implements ScriptLauncher {
    /** The empty input every script gets. */
    static final File DEV_NULL = new File("/dev/null");
    /** The shell of the wrapper and of the script itself (which runs a script without "#!" in itself). */
    static final String SHELL = "/bin/sh";
    /** The file name of the script inside its exec directory. */
    static final String SCRIPT_FILE = "script";
    /** The file name of the launch file (the parameters) inside its exec directory. */
    static final String LAUNCH_FILE = "launch";
    /** The interpreter of a script without "#!", where it exists (Azure's Linux handler runs such scripts with bash). */
    static final String BASH = "/bin/bash";
    /** The script's shell for a script without "#!": $0 is the script, $1 the launch file. */
    static final String SOURCE_SCRIPT = ". \"$1\"; . \"$0\"";
    /** The script's shell for a script with "#!": $0 is the script, $1 the launch file. */
    static final String EXEC_SCRIPT = ". \"$1\"; exec \"$0\" \"$@\"";
    /** The script's shell for a script without "#!" and without parameters: $0 is the script. */
    static final String SOURCE_SCRIPT_ALONE = ". \"$0\"";
    /** The script's shell for a script with "#!" and without parameters: $0 is the script. */
    static final String EXEC_SCRIPT_ALONE = "exec \"$0\"";
    /** Mode 0600, applied at creation. */
    private static final FileAttribute<Set<PosixFilePermission>> READ_WRITE_OWNER =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** The wrapper shell's program: $1 is the exit file, the rest the script's command line. */
    static final String WRAPPER = "exec 3>&2 2>/dev/null; trap : TERM INT HUP; e=$1; shift; "
            + "(\"$@\" 2>&3 3>&-); c=$?; echo $c > \"$e\"; exit $c";

    /** The namespaces of the host's init process that a script enters with host namespaces on. */
    static final List<String> HOST_NAMESPACES = List.of("--target", "1", "--mount", "--uts", "--ipc", "--net",
            "--pid", "--no-fork");

    private final ProcessSpawner spawner;
    private final Accounts accounts;
    private final boolean hostNamespaces;

    /**
     * Creates a launcher that starts processes through {@code spawner}, finds run-as users in {@code accounts}, and
     * runs every script in the namespaces of pid 1 when {@code hostNamespaces} is true.
     */
    public PosixScriptLauncher(ProcessSpawner spawner, Accounts accounts, boolean hostNamespaces) {
        this.spawner = spawner;
        this.accounts = accounts;
        this.hostNamespaces = hostNamespaces;
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
        LaunchFile parameters = LaunchFile.of(run);
        boolean shebang = run.getScript().startsWith("#!");
        if (shebang && parameters.hasProtectedPositional()) {
            throw new ExecutionFailure("an unnamed protected parameter would be an argument of a script with a '#!' "
                    + "line, readable by every user in /proc; give it a name (it becomes an environment variable)");
        }
        Path script = execDir.resolve(SCRIPT_FILE);
        Path launch = parameters.isEmpty() ? null : execDir.resolve(LAUNCH_FILE);
        List<String> entry = new ArrayList<>(List.of(SystemTools.require("setsid")));
        if (hostNamespaces) {
            entry.addAll(nsenter(SystemTools.require("nsenter"), execDir));
        }
        List<String> command = wrapped(entry, runDir.exitFile(),
                command(account == null ? null : SystemTools.require("setpriv"), shebang, script, launch, account));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(execDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.output(OutputStream.STDOUT).toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(runDir.output(OutputStream.STDERR).toFile()));
        ScriptEnvironment.prepare(builder.environment(), run);
        if (account != null) {
            builder.environment().put("HOME", account.home());
            builder.environment().put("USER", account.name());
            builder.environment().put("LOGNAME", account.name());
        }
        return spawner.start(builder, () -> {
            ExecDirs.createPrivate(execDir);
            write(script, run.getScript(), ExecDirs.OWNER_ONLY);
            if (launch != null) {
                write(launch, parameters.render(launch.toString()), READ_WRITE_OWNER);
            }
            if (account != null) {
                handOver(account, execDir, script);
                if (launch != null) {
                    handOver(account, launch);
                }
            }
        });
    }

    /**
     * The full command line: {@code entry} ({@code setsid}, a path, and with host namespaces the {@link #nsenter}
     * words), the wrapper shell with {@code exitFile}, then {@code command}.
     */
    static List<String> wrapped(List<String> entry, Path exitFile, List<String> command) {
        List<String> full = new ArrayList<>(entry);
        full.addAll(List.of(SHELL, "-c", WRAPPER, "runcmd-wrapper", exitFile.toString()));
        full.addAll(command);
        return full;
    }

    /** The words that enter the host's namespaces ({@code nsenter}, a path) and start in {@code execDir}. */
    static List<String> nsenter(String nsenter, Path execDir) {
        List<String> words = new ArrayList<>();
        words.add(nsenter);
        words.addAll(HOST_NAMESPACES);
        words.add("--wd=" + execDir);
        words.add("--");
        return words;
    }

    /**
     * The script's command line: {@code setpriv} (a path) when running as {@code account} (else both null), then the
     * script's shell with the script and the launch file ({@code launch} null: the run has no parameters). It holds
     * no parameter value.
     */
    static List<String> command(String setpriv, boolean shebang, Path script, Path launch, Account account) {
        List<String> command = new ArrayList<>();
        if (account != null) {
            command.addAll(List.of(setpriv, "--reuid=" + account.uid(), "--regid=" + account.gid(),
                    "--init-groups", "--"));
        }
        if (launch == null) {
            command.addAll(List.of(SHELL, "-c", shebang ? EXEC_SCRIPT_ALONE : sourcedWithBash(SOURCE_SCRIPT_ALONE),
                    script.toString()));
        } else {
            command.addAll(List.of(SHELL, "-c", shebang ? EXEC_SCRIPT : sourcedWithBash(SOURCE_SCRIPT),
                    script.toString(), launch.toString()));
        }
        return command;
    }

    /**
     * The {@code /bin/sh} program that runs {@code program} (which holds no single quote) with {@link #BASH} when
     * that is executable, passing on {@code $0} and every argument, and in {@code /bin/sh} itself otherwise.
     */
    static String sourcedWithBash(String program) {
        return "[ -x " + BASH + " ] && exec " + BASH + " -c '" + program + "' \"$0\" \"$@\"; " + program;
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

    private static void write(Path file, String text, FileAttribute<Set<PosixFilePermission>> mode)
            throws IOException {
        try (SeekableByteChannel out = Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
    }
}
