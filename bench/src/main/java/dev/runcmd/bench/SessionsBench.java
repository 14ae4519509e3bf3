package dev.runcmd.bench;

import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Hello;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What an agent session costs the gateway, with mutual TLS: N machines enroll (one join token with N uses, N Enroll
 * calls), then each opens its stream on its own TLS connection with its own certificate, says Hello and keeps
 * sending heartbeats. The gateway's resident memory and its heap in use after a full GC are read before and after;
 * the difference divided by N is the cost of one session. Also reported: enrollments and session openings per
 * second. Usage: {@code bench/run.sh sessions [N]} (default 500).
 */
public final class SessionsBench {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000005e5";
    private static final String GROUP = "bench";

    private SessionsBench() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path dataDir = Files.createTempDirectory("runcmd-bench-sessions-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            stack.startDatabase(Ports.free());
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort);
            LocalStack.awaitQuarkus(api, apiManagementPort);
            ComponentProcess gateway = stack.startGateway("gw-sessions", gatewayPort, gatewayHttpPort);
            LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
            ArmClient client = new ArmClient("http://127.0.0.1:" + apiPort, SUBSCRIPTION, GROUP,
                    Credential.bearer(stack.ownerToken(), "owner"));

            // Warm up the gateway's TLS and session paths, then measure from a settled baseline.
            List<Opened> warm = open(client, gatewayPort, "warm", 20);
            close(warm);
            Thread.sleep(2000);
            Footprint before = Footprint.of(gateway.pid());

            long start = System.nanoTime();
            List<Opened> opened = open(client, gatewayPort, "m", sessions);
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < 3; i++) {
                heartbeat(opened);
                Thread.sleep(1000);
            }
            Footprint after = Footprint.of(gateway.pid());
            System.out.printf("Sessions: %d machines enrolled and connected over mutual TLS 1.3 in %.1f s"
                    + " (%.0f per second, enrollment included)%n", sessions, seconds, sessions / seconds);
            System.out.printf("gateway VmRSS: %.1f MiB before, %.1f MiB with %d sessions: %.1f KiB per session%n",
                    before.rssKib() / 1024.0, after.rssKib() / 1024.0, sessions,
                    (after.rssKib() - before.rssKib()) / (double) sessions);
            System.out.printf("gateway heap in use after a full GC: %.1f MiB before, %.1f MiB after: %.1f KiB per"
                    + " session%n", before.heapKib() / 1024.0, after.heapKib() / 1024.0,
                    (after.heapKib() - before.heapKib()) / (double) sessions);
            close(opened);
        }
    }

    /** An open session: its channel and its request stream. */
    private record Opened(ManagedChannel channel, StreamObserver<AgentMessage> requests) {
    }

    private static List<Opened> open(ArmClient client, int gatewayPort, String prefix, int count) throws Exception {
        Enroller enroller = Enroller.create(client, GROUP, count);
        ManagedChannel anonymous = enroller.anonymousChannel(gatewayPort);
        List<Opened> opened = new ArrayList<>();
        CountDownLatch welcomed = new CountDownLatch(count);
        try {
            for (int i = 0; i < count; i++) {
                String machine = prefix + "-" + i;
                EnrolledMachine enrolled = enroller.enroll(anonymous, machine);
                ManagedChannel channel = enrolled.channel(gatewayPort);
                StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel).connect(
                        new StreamObserver<>() {
                            @Override
                            public void onNext(GatewayMessage message) {
                                if (message.hasWelcome()) {
                                    welcomed.countDown();
                                }
                            }

                            @Override
                            public void onError(Throwable failure) {
                                System.err.println(machine + ": " + failure);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                requests.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setMachine(enrolled.scope())
                        .setProtocolVersion(1).setOsName("Linux").setAgentVersion("bench")).build());
                opened.add(new Opened(channel, requests));
            }
            if (!welcomed.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(welcomed.getCount() + " sessions were not welcomed");
            }
            return opened;
        } finally {
            anonymous.shutdownNow();
        }
    }

    private static void heartbeat(List<Opened> opened) {
        AgentMessage beat = AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setTimeMillis(System.currentTimeMillis())).build();
        opened.forEach(session -> session.requests().onNext(beat));
    }

    private static void close(List<Opened> opened) throws InterruptedException {
        for (Opened session : opened) {
            session.requests().onCompleted();
            session.channel().shutdown();
        }
        for (Opened session : opened) {
            session.channel().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
