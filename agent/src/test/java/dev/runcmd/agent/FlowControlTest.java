package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A slow gateway slows the script down instead of making the agent buffer or drop output. */
class FlowControlTest extends AgentTestSupport {
    private static final int SCRIPT_BYTES = 8 * 1024 * 1024;

    @Test
    void slowGatewayBackPressuresTheScriptWithoutLoss() throws Exception {
        Path data = workDir.resolve("data.bin");
        byte[] expected = new byte[SCRIPT_BYTES];
        new Random(42).nextBytes(expected);
        Files.write(data, expected);
        gateway.useManualFlowControl();
        gateway.acknowledgeWhatArrives();
        startAgentAndAwaitHello();

        gateway.send(command(run("f-big", "cat '" + data + "'")));
        int capacity = agent.outboundQueue().capacity();
        awaitTrue("the outbound queue fills up while the gateway reads nothing", PROMPTLY,
                () -> agent.outboundQueue().highWaterMark() == capacity);
        assertTrue(isCatRunning(), "the script is blocked on its pipe, not finished");
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
        try {
            reader.scheduleAtFixedRate(() -> gateway.request(1), 0, 2, TimeUnit.MILLISECONDS);
            AgentMessage exited = gateway.awaitExited("f-big", Duration.ofSeconds(30));
            assertExited(exited, ExitState.SUCCEEDED, 0);
            assertEquals(SCRIPT_BYTES, exited.getExited().getStdoutBytes());
        } finally {
            reader.shutdownNow();
        }

        List<AgentMessage> messages = gateway.messagesOf("f-big");
        byte[] received = streamBytes(messages, OutputStream.STDOUT);
        assertArrayEquals(sha256(expected), sha256(received), "all bytes, in order");
        assertTrue(messages.stream().filter(AgentMessage::hasOutput)
                .allMatch(m -> m.getOutput().getData().size() <= 64 * 1024), "chunks of at most 64 KiB");
        assertEquals(capacity, agent.outboundQueue().highWaterMark(), "the queue never held more than its bound");
    }

    private static boolean isCatRunning() {
        return ProcessHandle.current().descendants()
                .anyMatch(h -> h.info().command().map(c -> c.endsWith("/cat")).orElse(false));
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
