package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.awaitTerminal;
import static dev.runcmd.e2e.RunCommands.body;
import static dev.runcmd.e2e.RunCommands.instanceView;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.proto.v1.OutputEnd;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live and full output through the real processes, over gRPC and Server-Sent Events. */
class LiveOutputEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static Stack stack;
    private static Api api;
    private static ManagedChannel channel;

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
        api = stack.api();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", stack.apiPort()).usePlaintext()
                .intercept(stack.bearer()).maxInboundMessageSize(8 * 1024 * 1024).build();
    }

    @AfterAll
    static void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void followersReceiveEachLineBeforeTheNextIsPrinted() throws Exception {
        String name = "lines";
        String script = "sleep 1; for i in $(seq 1 15); do echo \"line $i $(date +%s%N)\"; sleep 0.2; done";
        assertEquals(201, api.put(api.runCommand(MACHINE, name), body(script).toString()).status());
        GrpcFollower grpc = GrpcFollower.start(channel, MACHINE, name, new Received(true), new Received(true), false, 0);
        SseFollower sse = new SseFollower(endpoint(), api.runCommand(MACHINE, name), false, true, stack.token());
        CompletableFuture<Boolean> sseDone = CompletableFuture.supplyAsync(() -> runQuietly(sse));

        OutputEnd end = grpc.done.get(60, TimeUnit.SECONDS);
        assertTrue(sseDone.get(60, TimeUnit.SECONDS), "SSE follower did not reach the end");
        assertEquals("Succeeded", end.getExecutionState());
        assertEquals("Succeeded", sse.end.path("executionState").asText());

        String stored = new String(rawStream(name, "stdout"), StandardCharsets.UTF_8);
        assertEquals(stored, grpc.stdout.text());
        assertEquals(stored, sse.stdout.text());
        assertLinesArriveBeforeTheNextIsPrinted(grpc.stdout.lines(), "gRPC");
        assertLinesArriveBeforeTheNextIsPrinted(sse.stdout.lines(), "SSE");
    }

    @Test
    void binaryOutputIsStoredExactlyAndAFollowCutTwiceResumesWithoutGapOrDuplicate() throws Exception {
        String name = "binary";
        String script = "f=$(mktemp); head -c 50000000 /dev/urandom > \"$f\"; sha256sum \"$f\" | cut -d' ' -f1 >&2;"
                + " cat \"$f\"; rm -f \"$f\"";
        assertEquals(201, api.put(api.runCommand(MACHINE, name), body(script).toString()).status());
        Received stdout = new Received(false);
        Received stderr = new Received(true);
        for (long cut : List.of(15_000_000L, 32_000_000L)) {
            GrpcFollower partial = GrpcFollower.start(channel, MACHINE, name, stdout, stderr, false, cut);
            assertNull(partial.done.get(120, TimeUnit.SECONDS), "the follow ended before the cut at " + cut);
        }
        OutputEnd end = GrpcFollower.start(channel, MACHINE, name, stdout, stderr, false, 0).done.get(120, TimeUnit.SECONDS);

        assertEquals("Succeeded", end.getExecutionState());
        String written = stderr.text().trim();
        assertEquals(64, written.length(), "the script's own sha256: " + written);
        assertEquals(50_000_000L, stdout.count());
        assertEquals(written, stdout.sha256(), "followed bytes differ from what the script wrote");
        assertEquals(written, sha256(rawStream(name, "stdout")), "stored bytes differ from what the script wrote");

        SseFollower sse = new SseFollower(endpoint(), api.runCommand(MACHINE, name), true, false, stack.token());
        assertTrue(!sse.run(20_000_000L) && !sse.run(40_000_000L) && sse.run(0), "SSE resume did not reach the end");
        assertEquals(written, sse.stdout.sha256(), "SSE (base64) bytes differ from what the script wrote");
    }

    @Test
    void fourByteCharactersSplitAcrossChunksComeOutWholeInTextViews() throws Exception {
        String name = "utf8";
        String script = "for i in 1 2 3; do printf '\\360\\237'; sleep 0.3; printf '\\230\\200'; done; echo";
        api.put(api.runCommand(MACHINE, name), body(script).toString());
        JsonNode done = awaitTerminal(api, MACHINE, name, Duration.ofSeconds(30));
        String expected = "\uD83D\uDE00".repeat(3) + "\n";

        assertEquals(expected, instanceView(done).path("output").asText());
        SseFollower sse = new SseFollower(endpoint(), api.runCommand(MACHINE, name), false, true, stack.token());
        assertTrue(sse.run(0));
        assertEquals(expected, sse.stdout.text());
        Api.Answer text = api.get(api.runCommand(MACHINE, name) + "/output");
        assertEquals(200, text.status());
        assertEquals(expected, text.text());
    }

    @Test
    void aStalledFollowerSlowsNeitherTheScriptNorTheOtherFollowers() throws Exception {
        String name = "stall";
        String script = "sleep 1; f=$(mktemp); head -c 30000000 /dev/urandom > \"$f\";"
                + " sha256sum \"$f\" | cut -d' ' -f1 >&2; cat \"$f\"; rm -f \"$f\"";
        int secondApiPort = dev.runcmd.cli.local.Ports.free();
        int secondManagementPort = dev.runcmd.cli.local.Ports.free();
        dev.runcmd.cli.local.ComponentProcess secondReplica = stack.local().startControlApi(secondApiPort, secondManagementPort);
        dev.runcmd.cli.local.LocalStack.awaitQuarkus(secondReplica, secondManagementPort);
        ManagedChannel otherReplica = NettyChannelBuilder.forAddress("127.0.0.1", secondApiPort).usePlaintext()
                .intercept(stack.bearer()).build();
        try {
            followWhileOneFollowerStalls(name, script, otherReplica);
        } finally {
            otherReplica.shutdownNow();
            secondReplica.stop(Duration.ofSeconds(10));
        }
    }

    private void followWhileOneFollowerStalls(String name, String script, ManagedChannel otherReplica) throws Exception {
        api.put(api.runCommand(MACHINE, name), body(script).toString());
        GrpcFollower stalled = GrpcFollower.start(channel, MACHINE, name, new Received(false), new Received(false), true, 0);
        GrpcFollower first = GrpcFollower.start(channel, MACHINE, name, new Received(false), new Received(true), false, 0);
        GrpcFollower second = GrpcFollower.start(otherReplica, MACHINE, name, new Received(false), new Received(true), false, 0);
        long stalledSince = System.nanoTime();

        OutputEnd firstEnd = first.done.get(60, TimeUnit.SECONDS);
        OutputEnd secondEnd = second.done.get(60, TimeUnit.SECONDS);
        long ranFor = System.nanoTime() - stalledSince;
        assertTrue(ranFor < TimeUnit.SECONDS.toNanos(10), "the script and the active followers took "
                + TimeUnit.NANOSECONDS.toMillis(ranFor) + " ms: they waited for the stalled follower");
        assertEquals("Succeeded", firstEnd.getExecutionState());
        assertEquals("Succeeded", secondEnd.getExecutionState());
        String written = first.stderr.text().trim();
        assertEquals(written, first.stdout.sha256());
        assertEquals(written, second.stdout.sha256());

        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(10) - TimeUnit.NANOSECONDS.toMillis(ranFor)));
        assertTrue(stalled.stdout.count() < 30_000_000L, "the stalled follower was not stalled");
        stalled.resume();
        OutputEnd stalledEnd = stalled.done.get(60, TimeUnit.SECONDS);
        assertNotNull(stalledEnd);
        assertEquals(30_000_000L, stalled.stdout.count());
        assertEquals(written, stalled.stdout.sha256(), "the stalled follower missed or repeated bytes");
    }

    private static void assertLinesArriveBeforeTheNextIsPrinted(List<Received.Line> lines, String follower) {
        assertEquals(15, lines.size(), follower + " lines: " + lines);
        for (int k = 0; k + 1 < lines.size(); k++) {
            long received = lines.get(k).receivedAtEpochNanos();
            long nextPrinted = Long.parseLong(lines.get(k + 1).text().split(" ")[2]);
            assertTrue(received < nextPrinted, follower + " received line " + (k + 1) + " at " + received
                    + ", after line " + (k + 2) + " was printed at " + nextPrinted);
        }
    }

    private static String endpoint() {
        return "http://127.0.0.1:" + stack.apiPort();
    }

    private static byte[] rawStream(String name, String stream) {
        Api.Answer answer = api.get(api.runCommand(MACHINE, name) + "/output?stream=" + stream);
        assertEquals(200, answer.status(), answer.text());
        return answer.raw().body();
    }

    private static boolean runQuietly(SseFollower follower) {
        try {
            return follower.run(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
