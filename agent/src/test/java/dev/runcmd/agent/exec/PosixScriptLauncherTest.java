package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The POSIX launch command line, with and without the host's namespaces. */
class PosixScriptLauncherTest {
    @TempDir
    Path dir;

    @Test
    void hostNamespacesEnterPidOnesNamespacesAfterSetsidWithoutForking() {
        Path exec = Path.of("/var/lib/runcmd-agent/exec/e1");
        List<String> entry = new ArrayList<>(List.of("/usr/bin/setsid"));
        entry.addAll(PosixScriptLauncher.nsenter("/usr/bin/nsenter", exec));

        List<String> command = PosixScriptLauncher.wrapped(entry, Path.of("/var/lib/runcmd-agent/runs/e1/exit"),
                PosixScriptLauncher.command(null, false, exec.resolve("script"), null, null));

        assertEquals(List.of("/usr/bin/setsid", "/usr/bin/nsenter", "--target", "1", "--mount", "--uts", "--ipc",
                "--net", "--pid", "--no-fork", "--wd=/var/lib/runcmd-agent/exec/e1", "--",
                "/bin/sh", "-c", PosixScriptLauncher.WRAPPER, "runcmd-wrapper", "/var/lib/runcmd-agent/runs/e1/exit",
                "/bin/sh", "-c", PosixScriptLauncher.sourcedWithBash(PosixScriptLauncher.SOURCE_SCRIPT_ALONE), "/var/lib/runcmd-agent/exec/e1/script"),
                command);
    }

    @Test
    void withoutHostNamespacesTheWrapperFollowsSetsid() {
        List<String> command = PosixScriptLauncher.wrapped(List.of("/usr/bin/setsid"), Path.of("/w/exit"),
                List.of("/bin/sh", "-c", "true"));

        assertEquals(List.of("/usr/bin/setsid", "/bin/sh", "-c", PosixScriptLauncher.WRAPPER, "runcmd-wrapper",
                "/w/exit", "/bin/sh", "-c", "true"), command);
    }

    /**
     * A script without "#!" written for Azure's Linux handler, which runs it with bash, runs unchanged: arrays,
     * {@code [[ ]]}, pattern substitution and process substitution, with a named and a positional parameter from the
     * launch file.
     */
    @Test
    void aScriptWithoutShebangRunsWithBash() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PosixScriptLauncher.BASH)), "no /bin/bash here");
        Path script = Files.writeString(dir.resolve("script"), """
                names=(alpha beta "$1")
                [[ ${#names[@]} -eq 3 && $GREETING == h* ]] && echo "bash ${BASH_VERSINFO[0]}"
                path="$GREETING"; echo "${path//l/L}"
                while read -r line; do echo "read $line"; done < <(printf '%s\n' "${names[@]}")
                echo "self $(basename "$0")"
                """);
        Run run = Run.newBuilder()
                .addParameters(Parameter.newBuilder().setName("GREETING").setValue("hello"))
                .addParameters(Parameter.newBuilder().setValue("gamma"))
                .build();
        Path launch = dir.resolve("launch");
        Files.writeString(launch, LaunchFile.of(run).render(launch.toString()));
        Path exit = dir.resolve("exit");
        Process process = new ProcessBuilder(PosixScriptLauncher.wrapped(List.of(SystemTools.require("setsid")), exit,
                PosixScriptLauncher.command(null, false, script, launch, null)))
                .directory(dir.toFile()).redirectErrorStream(true).start();

        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);

        String version = output.lines().findFirst().orElse("");
        assertTrue(version.matches("bash \\d+"), output);
        assertEquals(version + "\nheLLo\nread alpha\nread beta\nread gamma\nself script\n", output);
        assertEquals(0, process.exitValue());
        assertFalse(Files.exists(launch), "the launch file removed itself");
    }

    /**
     * Runs the host-namespaces command line for real, entering the namespaces of pid 1 of this namespace (where the
     * test may: root with the capabilities nsenter needs); the script runs in its exec dir and its exit code is
     * recorded.
     */
    @Test
    void aScriptRunsThroughNsenterInItsExecDir() throws Exception {
        Assumptions.assumeTrue(canEnterPidOne(), "nsenter cannot enter pid 1's namespaces here (needs root with"
                + " CAP_SYS_ADMIN and CAP_SYS_PTRACE)");
        Path script = Files.writeString(dir.resolve("script"), "echo \"in $(pwd)\"; exit 3\n");
        Path exit = dir.resolve("exit");
        List<String> entry = new ArrayList<>(List.of(SystemTools.require("setsid")));
        entry.addAll(PosixScriptLauncher.nsenter(SystemTools.require("nsenter"), dir));
        Process process = new ProcessBuilder(PosixScriptLauncher.wrapped(entry, exit,
                PosixScriptLauncher.command(null, false, script, null, null)))
                .redirectErrorStream(true).start();

        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);

        assertEquals("in " + dir.toRealPath() + "\n", output);
        assertEquals(3, process.exitValue());
        assertEquals("3", Files.readString(exit).strip());
    }

    private static boolean canEnterPidOne() throws Exception {
        if (SystemTools.find("nsenter").isEmpty()) {
            return false;
        }
        Process probe = new ProcessBuilder(SystemTools.find("nsenter").get(), "--target", "1", "--mount", "--uts",
                "--ipc", "--net", "--pid", "--no-fork", "--", "/bin/true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
}
