package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Progress written to a stream that breaks is sent again on the next one, from the acknowledged
 * offsets read back from the output files: the gateway breaks the stream twice while a script writes
 * 4 MB (each time losing the chunk that was arriving), and still ends up with every byte and one
 * Exited.
 */
class ReplayTest extends AgentTestSupport {
    private static final int SCRIPT_BYTES = 4_000_000;

    @Test
    void brokenStreamsLoseNothingAndAcksReleaseTheBuffer() throws Exception {
        Path data = workDir.resolve("data.bin");
        byte[] bytes = new byte[SCRIPT_BYTES];
        new Random(7).nextBytes(bytes);
        Files.write(data, bytes);
        gateway.useManualFlowControl();
        gateway.acknowledgeWhatArrives();
        startAgentAndAwaitHello();

        gateway.send(command(run("r-big", "cat '" + data + "'; sha256sum '" + data + "' >&2")));
        gateway.breakStreamWhen((stream, m) -> stdoutAt(m, stream == 1 ? 1_000_000 : stream == 2 ? 2_500_000 : Long.MAX_VALUE));
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
        AgentMessage exited;
        try {
            reader.scheduleAtFixedRate(this::requestMore, 0, 1, TimeUnit.MILLISECONDS);
            exited = gateway.awaitExited("r-big", Duration.ofSeconds(30));
        } finally {
            reader.shutdownNow();
        }

        assertExited(exited, ExitState.SUCCEEDED, 0);
        assertEquals(SCRIPT_BYTES, exited.getExited().getStdoutBytes());
        List<AgentMessage> messages = gateway.messagesOf("r-big");
        Set<AgentMessage> terminal = messages.stream().filter(AgentMessage::hasExited)
                .map(m -> m.toBuilder().build()).collect(Collectors.toSet());
        assertEquals(1, terminal.size(), "exactly one terminal state, however often it was sent");
        byte[] stdout = Messages.reassemble(messages, OutputStream.STDOUT, exited.getExited().getStdoutBytes());
        String stderr = new String(Messages.reassemble(messages, OutputStream.STDERR, exited.getExited().getStderrBytes()),
                StandardCharsets.UTF_8);
        assertEquals(stderr.substring(0, 64), HexFormat.of().formatHex(sha256(stdout)), "the script's own sha256");
        assertTrue(outputStreams().containsAll(Set.of(1, 2, 3)), "output arrived on three streams: " + outputStreams());
        awaitTrue("the final Ack releases the execution and its state dir", PROMPTLY,
                () -> agent.outboundQueue().inFlightBytes() == 0 && agent.outboundQueue().sourceCount() == 0
                        && !Files.exists(workDir.resolve("runs").resolve("r-big")));
    }

    /** True for a stdout Output whose offset is {@code offset} or beyond. */
    private static boolean stdoutAt(AgentMessage m, long offset) {
        return m.hasOutput() && m.getOutput().getStream() == OutputStream.STDOUT && m.getOutput().getOffset() >= offset;
    }

    private void requestMore() {
        try {
            gateway.request(4);
        } catch (RuntimeException e) {
            // The current stream was just broken; the next tick asks the new one.
        }
    }

    private Set<Integer> outputStreams() {
        return gateway.received().stream().filter(r -> r.message().hasOutput())
                .map(FakeGateway.Received::stream).collect(Collectors.toSet());
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
