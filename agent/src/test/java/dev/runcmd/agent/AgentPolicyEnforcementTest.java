package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real agent with an administrator's policy file: refused runs never start, timeouts are capped. */
class AgentPolicyEnforcementTest extends AgentTestSupport {

    @Test
    void aRefusedRunEndsFailedWithoutEverStarting() throws Exception {
        Path marker = workDir.resolve("ran");
        startAgentAndAwaitHello("--policy", policy("run-command.enabled=false\n").toString());
        gateway.send(command(run("pol-off", "touch " + marker)));

        AgentMessage exited = assertExited(gateway.awaitExited("pol-off", PROMPTLY), ExitState.FAILED, -1);
        assertEquals("blocked by agent policy: run command is disabled on this machine",
                exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("pol-off").stream().map(AgentMessage::getKindCase).toList());
        assertFalse(Files.exists(marker), "the script ran");
    }

    @Test
    void aRunWithoutTimeoutGetsThePolicysCap() throws Exception {
        startAgentAndAwaitHello("--policy", policy("max-timeout-seconds=1\n").toString());
        gateway.send(command(run("pol-cap", "sleep 60")));

        assertExited(gateway.awaitExited("pol-cap", Duration.ofSeconds(10)), ExitState.TIMED_OUT, 128 + 15);
    }

    private Path policy(String text) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a policy file must be root's; skipped");
        return Files.writeString(workDir.resolve("agent-policy.properties"), text);
    }
}
