package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One gateway name that resolves to two addresses, as a DNS name in front of several gateways does: the agent
 * (a child JVM whose resolver reads a hosts file that maps the name to 127.0.0.1 and 127.0.0.2, where a
 * gateway listens on the same port each) connects to one; when that gateway dies mid-script, the agent goes to
 * the other address of the same name and the output arrives complete there. Both gateways' certificates name
 * the DNS name, which the agent verifies.
 */
class DnsFailoverTest {
    private static final String NAME = "gateways.runcmd.test";
    private static final Duration AGENT_START = Duration.ofSeconds(20);

    @TempDir
    Path workDir;
    @TempDir
    Path scratch;
    private final List<Server> servers = new ArrayList<>();
    private final TestPki pki = new TestPki();
    private Process agent;

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theAgentMovesToTheOtherAddressOfTheNameWhenItsGatewayDies() throws Exception {
        FakeGateway first = new FakeGateway();
        FakeGateway second = new FakeGateway();
        first.acknowledgeWhatArrives();
        second.acknowledgeWhatArrives();
        int port = listenOnBoth(first, second);
        pki.storeIdentity(workDir.resolve("identity"), "dns-test", Duration.ofHours(1));
        Path hosts = scratch.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 " + NAME + "\n127.0.0.2 " + NAME + "\n");
        startAgent(hosts, NAME + ":" + port);

        FakeGateway connected = awaitHelloOnEither(first, second);
        FakeGateway other = connected == first ? second : first;
        connected.send(command(run("d-1", "echo d-1 >> '" + scratch.resolve("ran") + "'; "
                + "i=0; while [ $i -lt 150 ]; do echo \"line $i\"; i=$((i+1)); sleep 0.02; done")));
        connected.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().contains("line 10"),
                AgentTestSupport.PROMPTLY);
        servers.get(connected == first ? 0 : 1).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        AgentMessage exited = other.awaitExited("d-1", Duration.ofSeconds(20));
        AgentTestSupport.assertExited(exited, ExitState.SUCCEEDED, 0);
        List<AgentMessage> both = new ArrayList<>(connected.messagesOf("d-1"));
        both.addAll(other.messagesOf("d-1"));
        assertEquals(expectedLines(150), new String(Messages.reassemble(both, OutputStream.STDOUT,
                exited.getExited().getStdoutBytes()), StandardCharsets.UTF_8));
        assertEquals(List.of("d-1"), Files.readAllLines(scratch.resolve("ran")), "the script ran once");
    }

    /**
     * Starts {@code first} on 127.0.0.1 and {@code second} on 127.0.0.2, on one port free on both; returns it.
     * Ports come from below the usual ephemeral range, so that no outgoing connection holds one by chance.
     */
    private int listenOnBoth(FakeGateway first, FakeGateway second) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = 20000 + (int) (Math.random() * 12000);
            Server a = null;
            try {
                a = listen(first, "127.0.0.1", port);
                Server b = listen(second, "127.0.0.2", port);
                servers.add(a);
                servers.add(b);
                return port;
            } catch (IOException e) {
                last = e;
                if (a != null) {
                    a.shutdownNow();
                }
            }
        }
        throw last;
    }

    private Server listen(FakeGateway gateway, String host, int port) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .sslContext(pki.serverTls(List.of(NAME)))
                .addService(gateway).build().start();
    }

    private void startAgent(Path hosts, String gateway) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        agent = new ProcessBuilder(java.toString(), "-Djdk.net.hosts.file=" + hosts, "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--gateway", gateway, "--work-dir", workDir.toString(), "--machine-name", "dns-test",
                "--subscription-id", TestPki.SUBSCRIPTION, "--resource-group", TestPki.RESOURCE_GROUP,
                "--stop-mode", "cancel")
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("agent.log").toFile())
                .start();
    }

    private static FakeGateway awaitHelloOnEither(FakeGateway first, FakeGateway second)
            throws InterruptedException {
        long deadline = System.nanoTime() + AGENT_START.toNanos();
        while (System.nanoTime() < deadline) {
            for (FakeGateway gateway : List.of(first, second)) {
                if (gateway.received().stream().anyMatch(r -> r.message().hasHello())) {
                    return gateway;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the agent said Hello to neither address of " + NAME + " within " + AGENT_START);
    }

    private static String expectedLines(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("line ").append(i).append('\n');
        }
        return text.toString();
    }
}
