package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.param;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runcmd.agent.exec.Accounts;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameters reach the script and nothing else: no value is on any process's command line while the script runs
 * (every user can read {@code /proc/<pid>/cmdline}), and a PATH or LD_PRELOAD parameter changes nothing the agent
 * starts as root before the script.
 */
class ParameterIsolationTest extends AgentTestSupport {

    private static final String NAMED_SECRET = "named-s3cr3t-7f1c";
    private static final String UNNAMED_SECRET = "unnamed-s3cr3t-9a2e";
    private static final String PUBLIC_VALUE = "public-value-4b8d";

    @TempDir
    Path shared;

    @Test
    void noParameterValueIsOnAnyCommandLineWhileTheScriptRuns() throws Exception {
        startAgentAndAwaitHello();
        assertNoValueOnACommandLine(withValues(run("p-cmdline", waitFor(workDir.resolve("go")))), workDir.resolve("go"));
    }

    @Test
    void noParameterValueIsOnAnyCommandLineOfAScriptRunAsAnotherUser() throws Exception {
        assumeTrue(Accounts.agentIsRoot(), "runAsUser needs root; skipped");
        RunAsUserTest.ensureUser();
        startAgentAndAwaitHello();
        Path go = sharedDir().resolve("go");
        assertNoValueOnACommandLine(withValues(run("p-cmdline-user", waitFor(go))).setRunAsUser(RunAsUserTest.USER),
                go);
    }

    @Test
    void pathAndLdPreloadParametersDoNotReachTheHelpersThatRunAsRoot() throws Exception {
        assumeTrue(Accounts.agentIsRoot(), "runAsUser needs root; skipped");
        RunAsUserTest.ensureUser();
        startAgentAndAwaitHello();
        // A setpriv and a setsid of the attacker's in the PATH parameter, each leaving a mark when root runs it.
        Path bin = sharedDir().resolve("bin");
        Files.createDirectory(bin);
        Path mark = sharedDir().resolve("helper-ran");
        for (String helper : List.of("setpriv", "setsid")) {
            Path fake = bin.resolve(helper);
            Files.writeString(fake, "#!/bin/sh\necho \"$(id -un)\" > " + mark + "\nexec /usr/bin/" + helper + " \"$@\"\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // Only builtins: a process the script itself started would load LD_PRELOAD, and say so on stderr.
        gateway.send(command(run("p-preload", "echo \"$PATH|$LD_PRELOAD\"")
                .setRunAsUser(RunAsUserTest.USER)
                .addParameters(param("PATH", bin.toString()))
                .addParameters(param("LD_PRELOAD", "/nonexistent/runcmd-evil.so"))));

        AgentTestSupport.assertExited(gateway.awaitExited("p-preload", PROMPTLY), ExitState.SUCCEEDED, 0);
        List<AgentMessage> messages = gateway.messagesOf("p-preload");
        assertEquals(bin + "|/nonexistent/runcmd-evil.so\n", streamText(messages, OutputStream.STDOUT),
                "the script sees its parameters");
        assertEquals("", streamText(messages, OutputStream.STDERR),
                "no helper started with LD_PRELOAD (the dynamic loader would have said so)");
        assertFalse(Files.exists(mark), "a helper was taken from the PATH parameter");
    }

    @Test
    void anUnnamedProtectedParameterOfAShebangScriptFailsTheRunWithoutStartingIt() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("p-shebang", "#!/bin/sh\necho never")
                .addProtectedParameters(param("", UNNAMED_SECRET))));

        AgentMessage exited = AgentTestSupport.assertExited(gateway.awaitExited("p-shebang", PROMPTLY),
                ExitState.FAILED, -1);
        assertTrue(exited.getExited().getMessage().contains("give it a name"), exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("p-shebang").stream().map(AgentMessage::getKindCase).toList());
    }

    @Test
    void aParameterNameNoShellCanExportFailsTheRunWithoutStartingIt() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("p-name", "echo never").addParameters(param("NOT-A-NAME", "x"))));

        AgentMessage exited = AgentTestSupport.assertExited(gateway.awaitExited("p-name", PROMPTLY),
                ExitState.FAILED, -1);
        assertTrue(exited.getExited().getMessage().contains("'NOT-A-NAME' cannot be an environment variable name"),
                exited.getExited().getMessage());
    }

    private static Run.Builder withValues(Run.Builder run) {
        return run.addParameters(param("", PUBLIC_VALUE))
                .addProtectedParameters(param("SECRET", NAMED_SECRET))
                .addProtectedParameters(param("", UNNAMED_SECRET));
    }

    /** A script that waits for {@code go} to exist, then prints what it was given. */
    private static String waitFor(Path go) {
        return "while [ ! -e " + go + " ]; do sleep 0.05; done; printf '%s|' \"$SECRET\" \"$@\"";
    }

    /** Scans every process's command line while the script waits, then lets it finish and checks its output. */
    private void assertNoValueOnACommandLine(Run.Builder run, Path go) throws Exception {
        String id = run.getExecutionId();
        gateway.send(command(run));
        gateway.await(m -> m.hasStarted() && m.getStarted().getExecutionId().equals(id), PROMPTLY);
        long scriptPid = gateway.messagesOf(id).stream().filter(AgentMessage::hasStarted).findFirst().orElseThrow()
                .getStarted().getPid();
        List<String> commandLines = commandLines();
        assertTrue(commandLines.stream().anyMatch(line -> line.contains("/bin/sh -c")),
                "the scan saw no shell, so it proves nothing: " + commandLines.size() + " processes");
        for (String value : List.of(NAMED_SECRET, UNNAMED_SECRET, PUBLIC_VALUE)) {
            assertFalse(commandLines.stream().anyMatch(line -> line.contains(value)),
                    value + " is on a command line while script " + scriptPid + " runs");
        }
        Files.createFile(go);
        AgentTestSupport.assertExited(gateway.awaitExited(id, PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals(NAMED_SECRET + "|" + PUBLIC_VALUE + "|" + UNNAMED_SECRET + "|",
                streamText(gateway.messagesOf(id), OutputStream.STDOUT), "the script still gets every value");
    }

    private static List<String> commandLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    lines.add(new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' '));
                } catch (IOException gone) {
                    // the process ended during the scan
                }
            }
        }
        return lines;
    }

    /** A directory every user may enter and read, for files a script run as another user must see. */
    private Path sharedDir() throws IOException {
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shared;
    }
}
