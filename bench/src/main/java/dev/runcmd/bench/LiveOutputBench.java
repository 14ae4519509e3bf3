package dev.runcmd.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.StreamOutputRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Live output on the real local stack: (1) latency from a script printing a line to a gRPC follower
 * receiving it; (2) sustained throughput of {@code head -c 1G /dev/zero} from the script to a
 * following client with every byte stored, and the peak memory of the gateway and control API.
 * Usage: {@code bench/run.sh live [lines] [bytes]}.
 */
public final class LiveOutputBench {

    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000be4c";
    private static final AgentIdentity AGENT = new AgentIdentity(SUBSCRIPTION, "bench", "bench-live");
    private static final long CAP = 4L * 1024 * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        long bytes = args.length > 1 ? Long.parseLong(args[1]) : 1L << 30;
        Path dataDir = Files.createTempDirectory("runcmd-bench-live-");
        int apiPort = Ports.free();
        int apiManagementPort = Ports.free();
        int gatewayPort = Ports.free();
        int gatewayHttpPort = Ports.free();
        try (LocalStack stack = new LocalStack(Artifacts.locate(System.getenv()), dataDir)) {
            stack.startDatabase(Ports.free());
            ComponentProcess api = stack.startControlApi(apiPort, apiManagementPort, java.util.Map.of("runcmd.control.api.max-requests-per-second", "0"));
            LocalStack.awaitQuarkus(api, apiManagementPort);
            ComponentProcess gateway = stack.startGateway("gw-bench", gatewayPort, gatewayHttpPort,
                    Map.of("runcmd.gateway.output-cap", Long.toString(CAP)));
            LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
            ComponentProcess agent = stack.startAgent(AGENT, gatewayPort);
            ArmClient client = new ArmClient("http://127.0.0.1:" + apiPort, SUBSCRIPTION, "bench",
                    Credential.bearer(stack.ownerToken(), "owner"));
            Main.awaitConnected(client, AGENT.machineName());
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", apiPort).usePlaintext()
                    .intercept(bearer(stack.ownerToken())).maxInboundMessageSize(16 * 1024 * 1024).build();
            try {
                latency(client, channel, lines);
                throughput(client, channel, bytes, api, gateway, agent);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static void latency(ArmClient client, ManagedChannel channel, int lines) throws Exception {
        String script = "sleep 1; i=0; while [ $i -lt " + lines + " ]; do date +%s%N; sleep 0.02; i=$((i+1)); done";
        client.put(client.runCommandPath(AGENT.machineName(), "latency"), body(script));
        List<Double> millis = new ArrayList<>();
        StringBuilder partial = new StringBuilder();
        Iterator<OutputEvent> events = follow(channel, "latency");
        while (events.hasNext()) {
            OutputEvent event = events.next();
            if (!event.hasChunk()) {
                continue;
            }
            long now = epochNanos();
            partial.append(event.getChunk().getData().toString(StandardCharsets.US_ASCII));
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                millis.add((now - Long.parseLong(partial.substring(0, newline).trim())) / 1e6);
                partial.delete(0, newline + 1);
            }
        }
        Collections.sort(millis);
        System.out.printf("Line latency, script prints -> gRPC follower receives (%d lines, 20 ms apart):%n", millis.size());
        System.out.printf("  median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", Main.percentile(millis, 50),
                Main.percentile(millis, 90), Main.percentile(millis, 99), millis.get(millis.size() - 1));
    }

    private static void throughput(ArmClient client, ManagedChannel channel, long bytes, ComponentProcess api,
                                   ComponentProcess gateway, ComponentProcess agent) throws Exception {
        client.put(client.runCommandPath(AGENT.machineName(), "zeros"), body("head -c " + bytes + " /dev/zero"));
        Iterator<OutputEvent> events = follow(channel, "zeros");
        long received = 0;
        long first = 0;
        String state = "?";
        while (events.hasNext()) {
            OutputEvent event = events.next();
            if (event.hasChunk()) {
                if (first == 0) {
                    first = System.nanoTime();
                }
                received += event.getChunk().getData().size();
            } else if (event.hasEnd()) {
                state = event.getEnd().getExecutionState();
            }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        System.out.printf("Throughput, head -c %d /dev/zero -> stored -> gRPC follower: %d bytes in %.2f s = %.0f MB/s (%s)%n",
                bytes, received, seconds, received / seconds / 1e6, state);
        System.out.printf("  peak RSS (VmHWM): control-api %.0f MiB, gateway %.0f MiB, agent %.0f MiB%n",
                Memory.peakKib(api.pid()) / 1024.0, Memory.peakKib(gateway.pid()) / 1024.0, Memory.peakKib(agent.pid()) / 1024.0);
    }

    private static Iterator<OutputEvent> follow(ManagedChannel channel, String name) {
        return RunCommandsGrpc.newBlockingStub(channel).streamOutput(StreamOutputRequest.newBuilder()
                .setMachine(MachineRef.newBuilder().setSubscriptionId(SUBSCRIPTION).setResourceGroup("bench")
                        .setMachineName(AGENT.machineName()))
                .setName(name).setFollow(true).build());
    }

    private static ObjectNode body(String script) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", "bench");
        body.putObject("properties").putObject("source").put("script", script);
        return body;
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Sends {@code token} as the authorization metadata of every call. */
    private static io.grpc.ClientInterceptor bearer(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
