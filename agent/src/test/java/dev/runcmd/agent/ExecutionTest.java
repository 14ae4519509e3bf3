package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.param;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.agent.FakeGateway.Received;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Shell;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Running scripts: exit codes, output streaming, parameters, interpreters, process groups. */
class ExecutionTest extends AgentTestSupport {

    @Test
    void failingScriptReportsExitCodeAndBothStreams() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-fail", "echo hello; echo oops >&2; exit 3")));

        AgentMessage exited = gateway.awaitExited("e-fail", PROMPTLY);

        assertExited(exited, ExitState.FAILED, 3);
        List<AgentMessage> messages = gateway.messagesOf("e-fail");
        assertEquals(AgentMessage.KindCase.ACCEPTED, messages.get(0).getKindCase());
        assertEquals(AgentMessage.KindCase.STARTED, messages.get(1).getKindCase());
        assertEquals(exited, messages.get(messages.size() - 1));
        assertEquals("hello\n", streamText(messages, OutputStream.STDOUT));
        assertEquals("oops\n", streamText(messages, OutputStream.STDERR));
        assertEquals(6, exited.getExited().getStdoutBytes());
        assertEquals(5, exited.getExited().getStderrBytes());
    }

    @Test
    void outputIsStreamedAsProduced() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-stream", "echo a; sleep 2; echo b")));

        Received a = gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("a\n"), PROMPTLY);
        long pid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        boolean aliveWhenFirstLineArrived = isRunning(pid);
        Received b = gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("b\n"), PROMPTLY);

        assertTrue(aliveWhenFirstLineArrived, "the script was still running when its first line arrived");
        assertTrue(Duration.ofNanos(b.nanos() - a.nanos()).toMillis() >= 1500,
                "\"a\" arrived " + Duration.ofNanos(b.nanos() - a.nanos()).toMillis() + " ms before \"b\"");
        assertExited(gateway.awaitExited("e-stream", PROMPTLY), ExitState.SUCCEEDED, 0);
    }

    @Test
    void namedAndProtectedParametersReachEnvironmentAndUnnamedArePositional() throws Exception {
        startAgentAndAwaitHello();
        String script = "printf '%s|' \"$GREETING\" \"$SECRET\" \"${EMPTY-unset}\" \"$#\" \"$@\"";
        gateway.send(command(run("e-params", script)
                .addParameters(param("GREETING", "hello world"))
                .addParameters(param("", "one"))
                .addParameters(param("EMPTY", ""))
                .addParameters(param("", ""))
                .addProtectedParameters(param("SECRET", "s3cr3t"))
                .addProtectedParameters(param("", "two words"))));

        assertExited(gateway.awaitExited("e-params", PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals("hello world|s3cr3t|unset|2|one|two words|",
                streamText(gateway.messagesOf("e-params"), OutputStream.STDOUT));
    }

    @Test
    void shebangScriptUsesItsInterpreter() throws Exception {
        startAgentAndAwaitHello();
        // /bin/cat as interpreter prints the script itself; /bin/sh would fail on the second line.
        String script = "#!/bin/cat\nnot a shell command\n";
        gateway.send(command(run("e-shebang", script)));

        assertExited(gateway.awaitExited("e-shebang", PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals(script, streamText(gateway.messagesOf("e-shebang"), OutputStream.STDOUT));
    }

    @Test
    void envShebangRunsTheNamedShell() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-env", "#!/usr/bin/env sh\necho \"args: $*\"").addParameters(param("", "x"))));

        assertExited(gateway.awaitExited("e-env", PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals("args: x\n", streamText(gateway.messagesOf("e-env"), OutputStream.STDOUT));
    }

    @Test
    void scriptRunsInItsOwnProcessGroupAndSession() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-group", "cat /proc/$$/stat")));

        assertExited(gateway.awaitExited("e-group", PROMPTLY), ExitState.SUCCEEDED, 0);
        List<AgentMessage> messages = gateway.messagesOf("e-group");
        long pid = messages.get(1).getStarted().getPid();
        String stat = streamText(messages, OutputStream.STDOUT);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(pid, Long.parseLong(fields[1]), "the script is the child of Started.pid (the wrapper)");
        assertEquals(pid, Long.parseLong(fields[2]), "process group id equals Started.pid");
        assertEquals(pid, Long.parseLong(fields[3]), "session id equals Started.pid");
    }

    @Test
    void scriptRunsFromPrivateFileInItsExecDirWithEmptyStdinAndTheDirIsRemoved() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-dir", "stat -c %a \"$0\"; pwd; readlink /proc/$$/fd/0")));

        assertExited(gateway.awaitExited("e-dir", PROMPTLY), ExitState.SUCCEEDED, 0);
        String[] lines = streamText(gateway.messagesOf("e-dir"), OutputStream.STDOUT).split("\n");
        assertEquals("700", lines[0]);
        assertEquals(workDir.toRealPath().resolve("exec").resolve("e-dir").toString(), lines[1]);
        assertEquals("/dev/null", lines[2]);
        assertFalse(Files.exists(workDir.resolve("exec").resolve("e-dir")), "exec dir removed after Exited");
    }

    @Test
    void invalidParameterNameFailsTheExecutionWithoutStartingIt() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-badparam", "echo never").addParameters(param("A=B", "x"))));

        AgentMessage exited = assertExited(gateway.awaitExited("e-badparam", PROMPTLY), ExitState.FAILED, -1);
        assertTrue(exited.getExited().getMessage().contains("A=B"), exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("e-badparam").stream().map(AgentMessage::getKindCase).toList());
    }

    @Test
    void powerShellRunIsRejectedOnLinux() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-ps", "Write-Output hi").setShell(Shell.SHELL_POWERSHELL)));

        AgentMessage rejected = gateway.await(AgentMessage::hasRejected, PROMPTLY).message();
        assertEquals("e-ps", rejected.getRejected().getExecutionId());
        assertFalse(rejected.getRejected().getDuplicate());
        assertTrue(rejected.getRejected().getReason().contains("PowerShell"));
    }

    @Test
    void manyConcurrentExecutions() throws Exception {
        startAgentAndAwaitHello();
        // Each script waits for a file the test creates only once all five are running.
        for (int i = 1; i <= 5; i++) {
            gateway.send(command(run("e-many-" + i, "while [ ! -e ../../go ]; do sleep 0.05; done; echo " + i)));
        }
        for (int i = 1; i <= 5; i++) {
            String id = "e-many-" + i;
            gateway.await(m -> m.hasStarted() && m.getStarted().getExecutionId().equals(id), PROMPTLY);
        }
        assertTrue(gateway.received().stream().noneMatch(r -> r.message().hasExited()), "none ended yet");

        Files.createFile(workDir.resolve("go"));

        for (int i = 1; i <= 5; i++) {
            assertExited(gateway.awaitExited("e-many-" + i, PROMPTLY), ExitState.SUCCEEDED, 0);
            assertEquals(i + "\n", streamText(gateway.messagesOf("e-many-" + i), OutputStream.STDOUT));
        }
    }

    @Test
    void backgroundProcessHoldingTheOutputOpenIsLeftAloneAndNotWaitedFor() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("e-bg", "sleep 30 & echo done")));
        long pgid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        awaitTrue("background sleep running", PROMPTLY, () -> !sleeps(pgid).isEmpty());
        List<Long> background = sleeps(pgid);
        try {
            AgentMessage exited = gateway.awaitExited("e-bg", PROMPTLY);

            assertExited(exited, ExitState.SUCCEEDED, 0);
            assertEquals("done\n", streamText(gateway.messagesOf("e-bg"), OutputStream.STDOUT));
            assertEquals(5, exited.getExited().getStdoutBytes());
            assertTrue(background.stream().allMatch(AgentTestSupport::isRunning), "background process left alone");
        } finally {
            background.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** The group's sleep processes (the script's shell is left out: it exits right after its echo). */
    private static List<Long> sleeps(long pgid) {
        return members(pgid).stream()
                .filter(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> c.endsWith("sleep"))
                        .orElse(false))
                .toList();
    }

    private static List<Long> members(long pgid) {
        try {
            return livingGroupMembers(pgid).stream().filter(pid -> pid != pgid).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
