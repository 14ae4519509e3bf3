package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.cancel;
import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeout, cancel and agent stop end the whole process tree of a script. */
class TreeKillTest extends AgentTestSupport {

    @Test
    void timeoutKillsWholeProcessTree() throws Exception {
        startAgentAndAwaitHello();
        long sent = System.nanoTime();
        gateway.send(command(run("t-timeout", "sleep 60 & sleep 60").setTimeoutSeconds(2)));
        long pgid = startedPid("t-timeout");
        awaitTrue("wrapper, shell and both sleeps running", PROMPTLY, () -> members(pgid).size() == 4);
        List<Long> tree = members(pgid);

        AgentMessage exited = gateway.awaitExited("t-timeout", Duration.ofSeconds(8));

        assertTrue(System.nanoTime() - sent < Duration.ofSeconds(8).toNanos());
        assertExited(exited, ExitState.TIMED_OUT, 128 + 15);
        assertEquals("Execution timed out after 2 s", exited.getExited().getMessage());
        assertEquals(List.of(), gateway.messagesOf("t-timeout").stream().filter(AgentMessage::hasOutput).toList(),
                "the script wrote nothing, so nothing may be reported (the wrapper shell says nothing)");
        assertFalse(ProcessHandle.of(pgid).map(ProcessHandle::isAlive).orElse(false), "script process gone");
        assertEquals(List.of(), livingGroupMembers(pgid), "no process left in the group");
        assertEquals(List.of(), tree.stream().filter(AgentTestSupport::isRunning).toList());
    }

    @Test
    void cancelEndsProcessTree() throws Exception {
        startAgentAndAwaitHello();
        // The second sleep leaves the process group (and session) through its own setsid.
        gateway.send(command(run("t-cancel", "sleep 60 & setsid sleep 60 & wait")));
        long pgid = startedPid("t-cancel");
        // The escaping sleep is a member of the group from its fork until its setsid runs: wait for both.
        awaitTrue("wrapper, shell and both sleeps running, one sleep out of the group", PROMPTLY,
                () -> descendantsAndSelf(pgid).size() == 4 && members(pgid).size() == 3);
        List<Long> tree = descendantsAndSelf(pgid);

        gateway.send(cancel("t-cancel", "deleted"));
        AgentMessage exited = gateway.awaitExited("t-cancel", Duration.ofSeconds(8));

        assertEquals(ExitState.CANCELED, exited.getExited().getState());
        assertEquals("Canceled: deleted", exited.getExited().getMessage());
        assertEquals(List.of(), livingGroupMembers(pgid), "no process left in the group");
        assertEquals(List.of(), tree.stream().filter(AgentTestSupport::isRunning).toList(), "escaped child killed too");
    }

    @Test
    void termIgnoringScriptIsKilledAfterTheGracePeriod() throws Exception {
        startAgentAndAwaitHello("--kill-grace-seconds", "1");
        gateway.send(command(run("t-stubborn", "trap '' TERM; echo ready; while :; do sleep 1; done")));
        long pgid = startedPid("t-stubborn");
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("ready\n"), PROMPTLY);

        gateway.send(cancel("t-stubborn", "stop"));
        AgentMessage exited = gateway.awaitExited("t-stubborn", Duration.ofSeconds(6));

        assertExited(exited, ExitState.CANCELED, 128 + 9);
        assertEquals(List.of(), livingGroupMembers(pgid));
    }

    @Test
    void agentStopEndsRunningExecutionsAndReportsThemCanceled() throws Exception {
        startAgentAndAwaitHello("--stop-mode", "cancel");
        gateway.send(command(run("t-stop", "sleep 60 & sleep 60")));
        long pgid = startedPid("t-stop");
        awaitTrue("wrapper, shell and both sleeps running", PROMPTLY, () -> members(pgid).size() == 4);

        agent.close();

        AgentMessage exited = gateway.awaitExited("t-stop", PROMPTLY);
        assertEquals(ExitState.CANCELED, exited.getExited().getState());
        assertEquals("agent stopped", exited.getExited().getMessage());
        assertEquals(List.of(), livingGroupMembers(pgid));
    }

    private long startedPid(String id) throws InterruptedException {
        return gateway.await(m -> m.hasStarted() && m.getStarted().getExecutionId().equals(id), PROMPTLY)
                .message().getStarted().getPid();
    }

    private static List<Long> members(long pgid) {
        try {
            return livingGroupMembers(pgid);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Long> descendantsAndSelf(long pid) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            pids.add(pid);
            h.descendants().map(ProcessHandle::pid).filter(AgentTestSupport::isRunning).forEach(pids::add);
        });
        return pids;
    }
}
