package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.cancel;
import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** At most max-concurrent executions run at once; the others wait in arrival order. */
class ConcurrencyTest extends AgentTestSupport {

    @Test
    void sixthRunWaitsForAFreeSlotAndStartsWhenOneEnds() throws Exception {
        startAgentAndAwaitHello();
        for (int i = 1; i <= 6; i++) {
            gateway.send(command(run("c-" + i, waitFor(workDir.resolve("go-" + i)))));
        }
        for (int i = 1; i <= 5; i++) {
            awaitStarted("c-" + i);
        }
        AgentMessage accepted = gateway.await(m -> m.hasAccepted() && m.getAccepted().getExecutionId().equals("c-6"),
                PROMPTLY).message();

        assertEquals("Waiting for a free slot: 5 of 5 executions running on this machine",
                accepted.getAccepted().getMessage());
        assertEquals("", firstAccepted("c-1").getMessage(), "a Run that starts at once has no message");
        assertFalse(hasStarted("c-6"), "the sixth waits");

        Files.createFile(workDir.resolve("go-1"));
        assertExited(gateway.awaitExited("c-1", PROMPTLY), ExitState.SUCCEEDED, 0);
        awaitStarted("c-6");
        for (int i = 2; i <= 6; i++) {
            Files.createFile(workDir.resolve("go-" + i));
            assertExited(gateway.awaitExited("c-" + i, PROMPTLY), ExitState.SUCCEEDED, 0);
        }
    }

    @Test
    void waitingExecutionIsHeldAcrossReconnectAndCancelEndsItWithoutStarting() throws Exception {
        startAgentAndAwaitHello("--max-concurrent", "1");
        gateway.send(command(run("w-run", waitFor(workDir.resolve("go")))));
        gateway.send(command(run("w-wait", "echo never")));
        awaitStarted("w-run");
        gateway.await(m -> m.hasAccepted() && m.getAccepted().getExecutionId().equals("w-wait"), PROMPTLY);

        gateway.failStream();
        AgentMessage hello = gateway.await(m -> m.hasHello() && m.getHello().getHeldList().size() == 2, PROMPTLY)
                .message();
        assertTrue(hello.getHello().getHeldList().stream()
                .anyMatch(h -> h.getExecutionId().equals("w-wait") && h.getRunning()), hello.toString());

        gateway.send(cancel("w-wait", "deleted"));
        AgentMessage exited = assertExited(gateway.awaitExited("w-wait", PROMPTLY), ExitState.CANCELED, -1);
        assertEquals("Canceled: deleted", exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("w-wait").stream().map(AgentMessage::getKindCase).toList());

        Files.createFile(workDir.resolve("go"));
        assertExited(gateway.awaitExited("w-run", PROMPTLY), ExitState.SUCCEEDED, 0);
    }

    private static String waitFor(Path file) {
        return "while [ ! -e '" + file + "' ]; do sleep 0.05; done";
    }

    private void awaitStarted(String id) throws InterruptedException {
        gateway.await(m -> m.hasStarted() && m.getStarted().getExecutionId().equals(id), PROMPTLY);
    }

    private boolean hasStarted(String id) {
        return gateway.messagesOf(id).stream().anyMatch(AgentMessage::hasStarted);
    }

    private dev.runcmd.proto.agent.v1.Accepted firstAccepted(String id) {
        return gateway.messagesOf(id).stream().filter(AgentMessage::hasAccepted).findFirst().orElseThrow().getAccepted();
    }
}
