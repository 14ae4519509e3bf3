package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Shell;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command lines the Windows launcher and tree killer build (tested on any OS: no PowerShell runs). */
class WindowsScriptLauncherTest {
    private final WindowsScriptLauncher launcher = new WindowsScriptLauncher(new ProcessSpawner());

    @Test
    void namedParametersBecomeDashNameValueAndUnnamedArePositionalPublicFirst() {
        Run run = Run.newBuilder().setExecutionId("w").setScript("param($a)")
                .addParameters(param("publicParam1", "v1"))
                .addParameters(param("", "pos one"))
                .addParameters(param("skipped", ""))
                .addProtectedParameters(param("secret1", "s1"))
                .addProtectedParameters(param("", "s2"))
                .build();
        Path script = Path.of("exec", "w", "script.ps1");

        assertEquals(List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                        "-File", script.toString(), "-publicParam1", "v1", "pos one", "-secret1", "s1", "s2"),
                WindowsScriptLauncher.commandLine(run, script));
    }

    @Test
    void parameterNameThatIsNoPowerShellNameIsRefused() {
        Run run = Run.newBuilder().addParameters(param("-Evil; x", "v")).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WindowsScriptLauncher.arguments(run));
        assertEquals("parameter name '-Evil; x' is not a PowerShell parameter name", e.getMessage());
    }

    @Test
    void runAsUserAndPosixShellAreRefusedButDefaultAndPowerShellAreNot() {
        assertEquals(Optional.of("runAsUser is not supported on Windows agents yet"),
                launcher.unsupported(Run.newBuilder().setRunAsUser("alice").setRunAsPassword("pw").build()));
        assertEquals(Optional.of("a POSIX shell is not available on this Windows agent"),
                launcher.unsupported(Run.newBuilder().setShell(Shell.SHELL_POSIX).build()));
        assertEquals(Optional.empty(), launcher.unsupported(Run.newBuilder().setShell(Shell.SHELL_POWERSHELL).build()));
        assertEquals(Optional.empty(), launcher.unsupported(Run.newBuilder().build()));
    }

    @Test
    void treeKillAsksPolitelyThenForces() {
        assertEquals(List.of("taskkill", "/T", "/PID", "42"), WindowsTreeKiller.command(42, false));
        assertEquals(List.of("taskkill", "/T", "/F", "/PID", "42"), WindowsTreeKiller.command(42, true));
    }

    private static Parameter param(String name, String value) {
        return Parameter.newBuilder().setName(name).setValue(value).build();
    }
}
