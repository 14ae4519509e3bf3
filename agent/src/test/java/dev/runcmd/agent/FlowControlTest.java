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
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A slow gateway does not slow a script down below the spool bound (its output waits in its files,
 * not in the heap), and loses nothing; above the bound the script is held back until Acks arrive.
 */
class FlowControlTest extends AgentTestSupport {
    private static final int SCRIPT_BYTES = 8 * 1024 * 1024;
    private static final long SPOOL_BOUND = 1024 * 1024;

    @Test
    void slowGatewayLosesNothingAndDoesNotHoldTheScript() throws Exception {
        Path data = workDir.resolve("data.bin");
        byte[] expected = new byte[SCRIPT_BYTES];
        new Random(42).nextBytes(expected);
        Files.write(data, expected);
        gateway.useManualFlowControl();
        gateway.acknowledgeWhatArrives();
        startAgentAndAwaitHello();

        gateway.send(command(run("f-big", "cat '" + data + "'")));
        awaitTrue("the script finished while the gateway read nothing", PROMPTLY,
                () -> Files.exists(workDir.resolve("runs").resolve("f-big").resolve("exit")));
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
    }

    @Test
    void fullSpoolHoldsTheScriptBackUntilAcksArriveAndNothingIsLost() throws Exception {
        gateway.acknowledgeWhatArrives();
        gateway.pauseAcks();
        startAgentAndAwaitHello("--spool-max-bytes", Long.toString(SPOOL_BOUND));
        String script = "i=0; while [ $i -lt 128 ]; do head -c 65536 /dev/zero | tr '\\0' x; i=$((i+1)); done";

        gateway.send(command(run("f-spool", script)));
        long pgid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        awaitTrue("the script's group is stopped", PROMPTLY, () -> "T".equals(state(pgid)));
        Path stdout = workDir.resolve("runs").resolve("f-spool").resolve("stdout");
        long held = Files.size(stdout);
        assertTrue(held > SPOOL_BOUND && held < 3 * SPOOL_BOUND, "held back near the bound: " + held);
        gateway.resumeAcks();

        AgentMessage exited = gateway.awaitExited("f-spool", Duration.ofSeconds(30));
        assertExited(exited, ExitState.SUCCEEDED, 0);
        byte[] all = new byte[SCRIPT_BYTES];
        Arrays.fill(all, (byte) 'x');
        assertArrayEquals(all, streamBytes(gateway.messagesOf("f-spool"), OutputStream.STDOUT), "every byte, once");
    }

    private static String state(long pid) {
        String[] stat = statAfterName(Path.of("/proc", Long.toString(pid)));
        return stat == null ? null : stat[0];
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
