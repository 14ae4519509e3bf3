package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runcmd.agent.exec.Accounts;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scripts run as another user, with a real unprivileged account ("runcmdtest", created with
 * useradd when missing). Needs the tests to run as root; skipped otherwise.
 */
class RunAsUserTest extends AgentTestSupport {
    static final String USER = "runcmdtest";

    @BeforeAll
    static void ensureUser() throws Exception {
        assumeTrue(Accounts.agentIsRoot(), "runAsUser tests need root; skipped");
        if (exitCode("getent", "passwd", USER) != 0) {
            assumeTrue(exitCode("useradd", "--no-create-home", "--home-dir", "/home/" + USER, USER) == 0,
                    "cannot create the test user " + USER + "; skipped");
        }
    }

    @Test
    void scriptRunsAsTheUserWithItsEnvironmentInItsOwnProcessGroup() throws Exception {
        startAgentAndAwaitHello();
        String script = "id -un; echo \"$HOME|$USER|$LOGNAME|$RUNCMD_PARAM\"; cut -d' ' -f5 /proc/$$/stat; pwd";
        gateway.send(command(run("r-ok", script).setRunAsUser(USER).setRunAsPassword("ignored-on-linux")
                .addProtectedParameters(Messages.param("RUNCMD_PARAM", "p"))));

        assertExited(gateway.awaitExited("r-ok", PROMPTLY), ExitState.SUCCEEDED, 0);
        List<AgentMessage> messages = gateway.messagesOf("r-ok");
        long pid = messages.get(1).getStarted().getPid();
        String[] lines = streamText(messages, OutputStream.STDOUT).split("\n");
        assertEquals(USER, lines[0]);
        assertEquals("/home/" + USER + "|" + USER + "|" + USER + "|p", lines[1]);
        assertEquals(Long.toString(pid), lines[2], "process group id equals the pid");
        assertFalse(lines[3].startsWith(workDir.toString()), "exec dir outside the private work dir: " + lines[3]);
        assertFalse(Files.exists(Path.of(lines[3])), "exec dir removed after Exited");
    }

    @Test
    void removingTheExecDirFollowsNoLinkTheScriptPlanted() throws Exception {
        Path victim = Files.createDirectory(workDir.resolve("victim"));
        Path precious = Files.writeString(victim.resolve("precious"), "root's");
        startAgentAndAwaitHello();
        String script = "ln -s " + victim + " to-dir; ln -s " + precious + " to-file; mkdir -p a/b; "
                + "ln -s " + victim + " a/b/to-dir; pwd";
        gateway.send(command(run("r-links", script).setRunAsUser(USER)));

        assertExited(gateway.awaitExited("r-links", PROMPTLY), ExitState.SUCCEEDED, 0);
        Path execDir = Path.of(streamText(gateway.messagesOf("r-links"), OutputStream.STDOUT).strip());
        assertFalse(Files.exists(execDir, LinkOption.NOFOLLOW_LINKS), "exec dir removed after Exited");
        assertEquals("root's", Files.readString(precious));
        assertEquals(List.of("precious"), List.of(victim.toFile().list()));
    }

    @Test
    void shebangScriptRunsAsTheUser() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("r-shebang", "#!/bin/sh\nid -u -n").setRunAsUser(USER)));

        assertExited(gateway.awaitExited("r-shebang", PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals(USER + "\n", streamText(gateway.messagesOf("r-shebang"), OutputStream.STDOUT));
    }

    @Test
    void scriptWithoutShebangRunsWithBashAsTheUser() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("r-bash", "u=($(id -u -n)); [[ -n $BASH_VERSION ]] && echo \"${u[0]//-/_}\"")
                .setRunAsUser(USER)));

        assertExited(gateway.awaitExited("r-bash", PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals(USER.replace('-', '_') + "\n", streamText(gateway.messagesOf("r-bash"), OutputStream.STDOUT));
    }

    @Test
    void unknownUserFailsWithoutStarting() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("r-nobody", "echo never").setRunAsUser("runcmd-no-such-user")));

        AgentMessage exited = assertExited(gateway.awaitExited("r-nobody", PROMPTLY), ExitState.FAILED, -1);
        assertEquals("runAsUser 'runcmd-no-such-user' does not exist on this machine", exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("r-nobody").stream().map(AgentMessage::getKindCase).toList());
    }

    private static int exitCode(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
