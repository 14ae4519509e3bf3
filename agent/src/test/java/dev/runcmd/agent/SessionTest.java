package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.cancel;
import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.agent.FakeGateway.Received;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Rejected;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The session: Hello, Welcome, heartbeats, reconnects, and at-most-once across restarts. */
class SessionTest extends AgentTestSupport {

    @Test
    void helloCarriesMachineIdentityAndScope() throws Exception {
        startAgent();

        Received first = gateway.await(m -> true, PROMPTLY);

        assertTrue(first.message().hasHello(), "Hello is the first message");
        Hello hello = first.message().getHello();
        assertEquals("sub-1", hello.getMachine().getSubscriptionId());
        assertEquals("rg-1", hello.getMachine().getResourceGroup());
        assertEquals("test-machine", hello.getMachine().getMachineName());
        assertEquals(System.getProperty("os.name"), hello.getOsName());
        assertEquals(System.getProperty("os.version"), hello.getOsVersion());
        assertEquals("0.1.0", hello.getAgentVersion());
        assertEquals(List.of("shell", "cancel", "timeout", "scriptUri", "runAsUser"), hello.getCapabilitiesList());
        assertEquals(1, hello.getProtocolVersion());
        assertFalse(hello.getHostName().isEmpty());
        assertEquals(List.of(), hello.getHeldList());
        assertEquals(Map.of(), hello.getTagsMap(), "no tags configured");
    }

    @Test
    void theConfiguredTagsGoInEveryHello() throws Exception {
        startAgentAndAwaitHello("--tags", "env=prod,role=db");

        gateway.failStream();

        gateway.awaitReceived(r -> r.message().hasHello() && r.stream() == 2, PROMPTLY);
        List<Hello> hellos = gateway.received().stream().map(Received::message).filter(AgentMessage::hasHello)
                .map(AgentMessage::getHello).toList();
        assertEquals(2, hellos.size(), "one Hello per stream");
        assertEquals(Map.of("env", "prod", "role", "db"), hellos.get(0).getTagsMap());
        assertEquals(Map.of("env", "prod", "role", "db"), hellos.get(1).getTagsMap());
    }

    @Test
    void aRevokedMachineIsLoggedAsSevereWithTheGatewaysWordsAndRetriedAtTheLongestDelay() throws Exception {
        gateway.refuseConnections(Status.PERMISSION_DENIED.withDescription(
                "machine test-machine was deleted: its identity was revoked"));
        try (LogRecorder log = LogRecorder.start()) {
            startAgent();

            String line = log.await(Level.SEVERE,
                    "PERMISSION_DENIED: machine test-machine was deleted: its identity was revoked", PROMPTLY);

            assertTrue(line.endsWith("; attempt 1, reconnecting in 30000 ms"), line);
        }
    }

    @Test
    void heartbeatsFollowTheWelcomeInterval() throws Exception {
        gateway.announceHeartbeatEvery(1);
        startAgentAndAwaitHello();

        Received beat = gateway.await(AgentMessage::hasHeartbeat, PROMPTLY);

        long now = System.currentTimeMillis();
        assertTrue(Math.abs(now - beat.message().getHeartbeat().getTimeMillis()) < 5_000);
    }

    @Test
    void reconnectsAfterStreamBreaksAndResendsHello() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("s-held", "sleep 2; echo after")));
        gateway.await(AgentMessage::hasStarted, PROMPTLY);

        gateway.failStream();

        Received hello = gateway.await(m -> m.hasHello() && !m.getHello().getHeldList().isEmpty(), PROMPTLY);
        assertEquals(2, hello.stream(), "Hello on a new stream");
        assertEquals(List.of(HeldExecution.newBuilder().setExecutionId("s-held").setRunning(true).build()),
                hello.message().getHello().getHeldList());
        Received exited = gateway.await(m -> m.hasExited(), PROMPTLY);
        assertEquals(2, exited.stream(), "the running execution reports on the new stream");
        assertExited(exited.message(), ExitState.SUCCEEDED, 0);
        assertEquals("after\n", streamText(gateway.messagesOf("s-held"), OutputStream.STDOUT));
    }

    @Test
    void duplicateRunIsRejectedAndNotRunTwice() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("s-dup", "echo ran")));
        gateway.awaitExited("s-dup", PROMPTLY);

        gateway.send(command(run("s-dup", "echo ran")));
        Rejected again = gateway.await(AgentMessage::hasRejected, PROMPTLY).message().getRejected();

        assertEquals("s-dup", again.getExecutionId());
        assertTrue(again.getDuplicate());
        agent.close();
        startAgentAndAwaitHelloOnStream(2);
        gateway.send(command(run("s-dup", "echo ran")));
        gateway.await(m -> m.hasRejected() && m.equals(rejectedDuplicate("s-dup")) && countRejected("s-dup") == 2,
                PROMPTLY);
        assertEquals(1, gateway.messagesOf("s-dup").stream().filter(AgentMessage::hasStarted).distinct().count(),
                "started exactly once, across an agent restart (the unacknowledged Started is replayed as it was)");
    }

    @Test
    void cancelBeforeRunMakesTheLaterRunRejected() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(cancel("s-early", "deleted"));
        gateway.send(command(run("s-early", "echo never")));

        Rejected rejected = gateway.await(AgentMessage::hasRejected, PROMPTLY).message().getRejected();

        assertEquals("s-early", rejected.getExecutionId());
        assertEquals("canceled before start", rejected.getReason());
        assertFalse(rejected.getDuplicate());
        assertEquals(1, gateway.messagesOf("s-early").size(), "nothing but the refusal");
    }

    private void startAgentAndAwaitHelloOnStream(int stream) throws Exception {
        startAgent();
        gateway.await(m -> m.hasHello() && gateway.received().stream()
                .filter(r -> r.message().hasHello()).count() >= stream, PROMPTLY);
    }

    private static AgentMessage rejectedDuplicate(String id) {
        return AgentMessage.newBuilder()
                .setRejected(Rejected.newBuilder().setExecutionId(id).setReason("duplicate").setDuplicate(true))
                .build();
    }

    private long countRejected(String id) {
        return gateway.messagesOf(id).stream().filter(AgentMessage::hasRejected).count();
    }
}
