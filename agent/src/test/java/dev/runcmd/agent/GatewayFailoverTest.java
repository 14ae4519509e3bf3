package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With two gateways configured, losing the first mid-script moves the agent to the second. */
class GatewayFailoverTest extends AgentTestSupport {
    private FakeGateway second;
    private Server secondServer;
    private String secondName;

    @BeforeEach
    void startSecondGateway() throws Exception {
        second = new FakeGateway();
        secondName = InProcessServerBuilder.generateName();
        secondServer = InProcessServerBuilder.forName(secondName).directExecutor().addService(second).build().start();
    }

    @AfterEach
    void stopSecondGateway() throws InterruptedException {
        secondServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void outputCompletesOnTheSecondGatewayFromTheAcknowledgedOffsets() throws Exception {
        gateway.acknowledgeWhatArrives();
        second.acknowledgeWhatArrives();
        startAgentOn(List.of(channel(), InProcessChannelBuilder.forName(secondName).build()));
        gateway.await(AgentMessage::hasHello, PROMPTLY);
        gateway.send(command(run("g-1", "i=0; while [ $i -lt 100 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.02; done")));
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().contains("line 10"), PROMPTLY);

        shutdownGateway();
        long storedOnFirst = gateway.ledger().stdoutStored("g-1");
        AgentMessage exited = second.awaitExited("g-1", Duration.ofSeconds(10));

        assertExited(exited, ExitState.SUCCEEDED, 0);
        List<AgentMessage> onSecond = second.messagesOf("g-1");
        long firstOffsetOnSecond = onSecond.stream().filter(AgentMessage::hasOutput)
                .mapToLong(m -> m.getOutput().getOffset()).min().orElseThrow();
        assertTrue(firstOffsetOnSecond > 0 && firstOffsetOnSecond <= storedOnFirst,
                "the second gateway got the output from the acknowledged offset on: " + firstOffsetOnSecond
                        + " (first stored " + storedOnFirst + ")");
        List<AgentMessage> both = new ArrayList<>(gateway.messagesOf("g-1"));
        both.addAll(onSecond);
        String stdout = new String(Messages.reassemble(both, OutputStream.STDOUT, exited.getExited().getStdoutBytes()),
                StandardCharsets.UTF_8);
        assertEquals(expectedLines(100), stdout);
    }

    private static String expectedLines(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("line ").append(i).append('\n');
        }
        return text.toString();
    }
}
