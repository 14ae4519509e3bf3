package dev.runcmd.control;

import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static dev.runcmd.control.OutputApi.assertBase64Exact;
import static dev.runcmd.control.OutputApi.assertCode;
import static dev.runcmd.control.OutputApi.bytes;
import static dev.runcmd.control.OutputApi.chunkText;
import static dev.runcmd.control.OutputApi.collect;
import static dev.runcmd.control.OutputApi.concat;
import static dev.runcmd.control.OutputApi.follow;
import static dev.runcmd.control.OutputApi.json;
import static dev.runcmd.control.OutputApi.output;
import static dev.runcmd.control.OutputApi.randomBytes;
import static dev.runcmd.control.OutputApi.slice;
import static dev.runcmd.control.OutputApi.url;
import static dev.runcmd.control.OutputRows.STDERR;
import static dev.runcmd.control.OutputRows.STDOUT;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.output.OutputHub;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live and full output against a real PostgreSQL: rows are inserted as the gateway would, and the V2 triggers
 * wake the followers for real. Covers gRPC StreamOutput (replay, live, end, flow control, deletion) and the REST
 * output endpoint (raw bytes, merged text, Server-Sent Events with resume). Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class LiveOutputTest {

    @Inject
    OutputHub hub;

    private ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void followerReceivesReplayThenLiveThenEnd() {
        String execution = OutputRows.newExecution("rg-live", "m1", "job");
        OutputRows.running(execution);
        OutputRows.store(execution, STDOUT, 0, bytes("one\n"));
        OutputRows.store(execution, STDERR, 0, bytes("warn\n"));
        Iterator<OutputEvent> events = RunCommandsGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS).streamOutput(follow("rg-live"));
        assertEquals("one\n", chunkText(events.next(), "STDOUT", 0));
        assertEquals("warn\n", chunkText(events.next(), "STDERR", 0));
        OutputRows.store(execution, STDOUT, 4, bytes("two\n"));
        assertEquals("two\n", chunkText(events.next(), "STDOUT", 4));
        OutputRows.store(execution, STDERR, 5, bytes("boom\n"));
        assertEquals("boom\n", chunkText(events.next(), "STDERR", 5));
        OutputRows.end(execution, "Failed", 3, "Script failed with exit code 3");

        OutputEvent last = events.next();
        assertTrue(last.hasEnd(), last.toString());
        assertEquals("Failed", last.getEnd().getExecutionState());
        assertEquals(3, last.getEnd().getExitCode());
        assertEquals(execution, last.getEnd().getExecutionId());
        assertEquals(8, last.getEnd().getStdoutBytes());
        assertEquals(10, last.getEnd().getStderrBytes());
        assertFalse(events.hasNext());
    }

    @Test
    void smallChunksComeWithTheirNotificationAndLargeOnesAreRead() {
        String execution = OutputRows.newExecution("rg-notified", "m1", "job");
        OutputRows.running(execution);
        Iterator<OutputEvent> events = RunCommandsGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS).streamOutput(follow("rg-notified"));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hub.followerCount(UUID.fromString(execution)) == 1);
        long before = hub.notifiedChunks();
        OutputRows.store(execution, STDOUT, 0, bytes("small\n"));
        assertEquals("small\n", chunkText(events.next(), "STDOUT", 0));
        assertEquals(before + 1, hub.notifiedChunks(), "the stored chunk's notification did not carry it");
        byte[] large = randomBytes(4097, 11);
        OutputRows.store(execution, STDOUT, 6, large);
        OutputEvent read = events.next();
        assertArrayEquals(large, read.getChunk().getData().toByteArray());
        assertEquals(before + 1, hub.notifiedChunks(), "a chunk over 4096 bytes must notify without its data");
        byte[] exact = randomBytes(4096, 12);
        OutputRows.store(execution, STDERR, 0, exact);
        assertArrayEquals(exact, events.next().getChunk().getData().toByteArray());
        assertEquals(before + 2, hub.notifiedChunks());
        OutputRows.end(execution, "Succeeded", 0, "");
        assertTrue(events.next().hasEnd());
    }

    /**
     * Many followers of several busy executions at once. Small chunks are stored one transaction each, so they travel
     * in their notifications, in bursts past what a follower holds ({@code Follower.MAX_PUSHED}); a large chunk every
     * twentieth is read back. Each execution has two plain followers, a slow one, one that reads nothing until the
     * end and one that joins halfway: every one of them receives exactly its execution's bytes, in order, and its end.
     */
    @Test
    void manyFollowersOfBusyExecutionsEachReceiveExactlyTheirOutput() throws Exception {
        int executions = 6;
        int chunks = 400;
        long notifiedBefore = hub.notifiedChunks();
        List<String> ids = new ArrayList<>();
        List<byte[][]> expected = new ArrayList<>();
        List<List<OutputCollector>> followers = new ArrayList<>();
        List<OutputCollector> stalled = new ArrayList<>();
        var stub = RunCommandsGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
        for (int e = 0; e < executions; e++) {
            String group = "rg-crowd-" + e;
            String id = OutputRows.newExecution(group, "m1", "job");
            OutputRows.running(id);
            ids.add(id);
            OutputCollector idle = new OutputCollector(true);
            List<OutputCollector> those = new ArrayList<>(List.of(new OutputCollector(false),
                    new OutputCollector(false), OutputCollector.slow(2), idle));
            those.forEach(c -> stub.streamOutput(follow(group), c));
            followers.add(those);
            stalled.add(idle);
        }
        for (String id : ids) {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hub.followerCount(UUID.fromString(id)) == 4);
        }
        CountDownLatch halfway = new CountDownLatch(executions);
        ExecutorService writers = Executors.newFixedThreadPool(executions);
        try {
            List<Future<byte[][]>> written = new ArrayList<>();
            for (int e = 0; e < executions; e++) {
                String id = ids.get(e);
                long seed = 100 + e;
                written.add(writers.submit(() -> writeBusily(id, chunks, seed, halfway)));
            }
            assertTrue(halfway.await(60, TimeUnit.SECONDS), "the writers reached half their chunks");
            for (int e = 0; e < executions; e++) {
                OutputCollector late = new OutputCollector(false);
                stub.streamOutput(follow("rg-crowd-" + e), late);
                followers.get(e).add(late);
            }
            for (int e = 0; e < executions; e++) {
                expected.add(written.get(e).get(60, TimeUnit.SECONDS));
                OutputRows.end(ids.get(e), "Succeeded", 0, "");
            }
        } finally {
            writers.shutdownNow();
        }
        stalled.forEach(OutputCollector::requestAll);

        for (int e = 0; e < executions; e++) {
            for (OutputCollector follower : followers.get(e)) {
                assertEquals("Succeeded", follower.end.get(60, TimeUnit.SECONDS).getExecutionState());
                assertArrayEquals(expected.get(e)[0], follower.stdout(), "stdout of execution " + e);
                assertArrayEquals(expected.get(e)[1], follower.stderr(), "stderr of execution " + e);
            }
        }
        assertTrue(hub.notifiedChunks() > notifiedBefore, "no chunk came with its notification");
    }

    /**
     * Stores {@code chunks} chunks of {@code id}, one transaction each: stdout or stderr at random, 1 to 300 bytes,
     * every twentieth 100 KiB; counts {@code halfway} down after half of them. Returns what each stream holds.
     */
    private static byte[][] writeBusily(String id, int chunks, long seed, CountDownLatch halfway)
            throws Exception {
        Random random = new Random(seed);
        ByteArrayOutputStream[] streams = {new ByteArrayOutputStream(),
                new ByteArrayOutputStream()};
        try (OutputRows.Writer writer = new OutputRows.Writer()) {
            for (int i = 0; i < chunks; i++) {
                int stream = random.nextInt(4) == 0 ? STDERR : STDOUT;
                byte[] data = randomBytes(i % 20 == 19 ? 100 * 1024 : 1 + random.nextInt(300), random.nextInt());
                ByteArrayOutputStream target = streams[stream - 1];
                writer.store(id, stream, target.size(), data);
                target.writeBytes(data);
                if (i == chunks / 2) {
                    halfway.countDown();
                }
            }
        }
        return new byte[][] {streams[0].toByteArray(), streams[1].toByteArray()};
    }

    @Test
    void stalledGrpcFollowerDoesNotHoldOthers() throws Exception {
        String execution = OutputRows.newExecution("rg-stall", "m1", "job");
        OutputRows.running(execution);
        OutputCollector stalled = new OutputCollector(true);
        OutputCollector reader = new OutputCollector(false);
        var stub = RunCommandsGrpc.newStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
        stub.streamOutput(follow("rg-stall"), stalled);
        stub.streamOutput(follow("rg-stall"), reader);
        byte[] output = randomBytes(20 * 1024 * 1024, 7);
        int part = output.length / 4;
        for (int i = 0; i < 4; i++) {
            OutputRows.storeAll(execution, STDOUT, (long) i * part, slice(output, i * part, (i + 1) * part), 65536);
        }
        OutputRows.end(execution, "Succeeded", 0, "");
        assertEquals("Succeeded", reader.end.get(60, TimeUnit.SECONDS).getExecutionState());
        assertArrayEquals(output, reader.stdout());
        assertEquals(0, stalled.messages.get(), "the stalled client asked for nothing");
        assertEquals(1, hub.followerCount(UUID.fromString(execution)),
                "the stalled client's follower must still wait for it, not have written everything");
        stalled.requestAll();
        assertEquals("Succeeded", stalled.end.get(60, TimeUnit.SECONDS).getExecutionState());
        assertArrayEquals(output, stalled.stdout());
    }

    @Test
    void deletedRunCommandEndsFollowersWithNotFound() throws Exception {
        String execution = OutputRows.newExecution("rg-gone", "m1", "job");
        OutputRows.store(execution, STDOUT, 0, bytes("partial"));
        OutputCollector follower = new OutputCollector(false);
        RunCommandsGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .streamOutput(follow("rg-gone"), follower);
        try (SseClient sse = SseClient.open(url(output("rg-gone")) + "&follow=true", Map.of())) {
            assertEquals("partial", json(sse.next(10)).getString("data"));

            request().delete(runCommand("rg-gone", "m1", "job")).then().statusCode(202);

            SseClient.Event error = sse.next(15);
            assertEquals("error", error.name());
            assertEquals("ResourceNotFound", json(error).getString("code"));
            assertEquals(SseClient.EOF, sse.next(10));
        }
        var failure = assertThrows(ExecutionException.class, () -> follower.end.get(15, TimeUnit.SECONDS));
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(failure.getCause()).getCode());
        assertEquals("partial", new String(follower.stdout(), StandardCharsets.UTF_8));
    }

    @Test
    void outputRequestsAreValidated() {
        OutputRows.newExecution("rg-bad", "m1", "job");
        RunCommandsGrpc.RunCommandsBlockingStub stub = RunCommandsGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        assertCode(Status.Code.INVALID_ARGUMENT, stub, follow("rg-bad").toBuilder().setStdoutOffset(-1).build());
        assertCode(Status.Code.NOT_FOUND, stub, follow("rg-bad", "absent"));
        assertCode(Status.Code.NOT_FOUND, stub, follow("rg-bad").toBuilder()
                .setExecutionId("00000000-0000-0000-0000-0000000000ff").build());
        Map.of("stream", "stdin", "from", "x.1", "encoding", "latin1", "follow", "yes", "executionId", "nope")
                .forEach((name, value) -> request().queryParam(name, value).get(output("rg-bad")).then()
                        .statusCode(400).body("error.code", equalTo("InvalidRequestContent")));
        request().accept("text/event-stream").queryParam("follow", "true")
                .get(runCommand("rg-bad", "m1", "absent") + "/output").then().statusCode(404)
                .contentType("application/json").body("error.code", equalTo("ResourceNotFound"));
        request().queryParam("executionId", "00000000-0000-0000-0000-0000000000ff").get(output("rg-bad"))
                .then().statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        request().get(runCommand("rg-bad", "m9", "job") + "/output").then().statusCode(404)
                .body("error.code", equalTo("ParentResourceNotFound"));
    }

    @Test
    void rawStreamDownloadIsByteExact() {
        String execution = OutputRows.newExecution("rg-raw", "m1", "job");
        byte[] binary = randomBytes(5 * 1024 * 1024 + 123, 11);
        binary[0] = (byte) 0xFF;
        binary[1] = (byte) 0xC3;
        OutputRows.storeAll(execution, STDOUT, 0, binary, 65536);
        OutputRows.store(execution, STDERR, 0, bytes("not in the stdout view"));
        Db.execute("update execution set stdout_dropped = 77, output_cap_bytes = ? where id = ?::uuid",
                (long) binary.length, execution);

        Response all = request().queryParam("stream", "stdout").get(output("rg-raw"));
        assertEquals(200, all.statusCode());
        assertEquals("application/octet-stream", all.contentType());
        assertEquals(execution, all.header("Runcmd-Execution-Id"));
        assertEquals("Pending", all.header("Runcmd-Execution-State"));
        assertEquals(Integer.toString(binary.length), all.header("Runcmd-Stream-Bytes"));
        assertEquals("true", all.header("Runcmd-Truncated"));
        assertArrayEquals(binary, all.asByteArray());

        assertArrayEquals(slice(binary, 100000, binary.length), request().queryParam("stream", "stdout")
                .queryParam("from", "100000").get(output("rg-raw")).then().statusCode(200).extract().asByteArray());
        byte[] stderr = request().queryParam("stream", "stderr").get(output("rg-raw")).then().statusCode(200)
                .header("Runcmd-Truncated", (String) null).extract().asByteArray();
        assertEquals("not in the stdout view", new String(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void utf8CharacterSplitAcrossChunksIsWholeInTextViews() throws Exception {
        String execution = OutputRows.newExecution("rg-utf8", "m1", "job");
        byte[] euro = bytes("a€b\n");          // 61 E2 82 AC 62 0A
        byte[] emoji = bytes("x😀y\n");         // 78 F0 9F 98 80 79 0A
        OutputRows.store(execution, STDOUT, 0, slice(euro, 0, 3));
        OutputRows.store(execution, STDERR, 0, slice(emoji, 0, 2));
        OutputRows.store(execution, STDOUT, 3, slice(euro, 3, euro.length));
        OutputRows.store(execution, STDERR, 2, slice(emoji, 2, emoji.length));
        OutputRows.store(execution, STDOUT, euro.length, new byte[] {(byte) 0xFF, '\n'});
        OutputRows.end(execution, "Succeeded", 0, "");

        String text = request().get(output("rg-utf8")).then().statusCode(200)
                .header("Content-Type", "text/plain; charset=utf-8").extract().asString();
        assertEquals("ax€b\n😀y\n\uFFFD\n", text);
        try (SseClient sse = SseClient.open(url(output("rg-utf8")) + "&follow=true", Map.of())) {
            assertEquals("text/event-stream", sse.response().headers().firstValue("Content-Type").orElse(""));
            List<String> events = new ArrayList<>();
            for (SseClient.Event e = sse.next(10); !e.name().equals("end"); e = sse.next(10)) {
                JsonPath data = json(e);
                events.add(e.name() + " " + e.id() + " " + data.getLong("offset") + " " + data.getString("data"));
            }
            // Ids and offsets count bytes; a character's first bytes wait for the rest of it.
            assertEquals(List.of("stdout 1.0 0 a", "stderr 1.1 0 x", "stdout 6.1 1 €b\n", "stderr 6.7 1 😀y\n",
                    "stdout 8.7 6 \uFFFD\n"), events);
        }
        assertBase64Exact("rg-utf8", concat(euro, new byte[] {(byte) 0xFF, '\n'}), emoji);
    }

    @Test
    void sseResumesFromLastEventIdWithoutGapOrDuplicate() throws Exception {
        String execution = OutputRows.newExecution("rg-resume", "m1", "job");
        OutputRows.running(execution);
        for (int i = 0; i < 4; i++) {
            OutputRows.store(execution, STDOUT, i * 6L, bytes("out-" + i + "\n"));
            OutputRows.store(execution, STDERR, i * 6L, bytes("err-" + i + "\n"));
        }
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        String lastId;
        try (var first = SseClient.open(url(output("rg-resume")) + "&follow=true", Map.of("Accept", "*/*"))) {
            lastId = collect(first, 3, stdout, stderr);
        }
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hub.followerCount(UUID.fromString(execution)) == 0);
        OutputRows.store(execution, STDOUT, 24, bytes("out-4\n"));
        try (SseClient second = SseClient.open(url(output("rg-resume")) + "&follow=true&from=0.0",
                Map.of("Last-Event-ID", lastId))) {
            collect(second, 6, stdout, stderr);
            OutputRows.end(execution, "Succeeded", 0, "done");
            SseClient.Event end = second.next(10);
            assertEquals("end", end.name());
            assertEquals("Succeeded", json(end).getString("executionState"));
            assertEquals(30, json(end).getLong("stdoutBytes"));
            assertEquals(SseClient.EOF, second.next(10));
        }
        assertEquals("out-0\nout-1\nout-2\nout-3\nout-4\n", stdout.toString());
        assertEquals("err-0\nerr-1\nerr-2\nerr-3\n", stderr.toString());
    }

    @Test
    void truncatedStreamIsReportedInEventsAndText() throws Exception {
        String execution = OutputRows.newExecution("rg-cap", "m1", "job");
        OutputRows.store(execution, STDOUT, 0, bytes("0123456789"));
        Db.execute("update execution set stdout_dropped = 5, output_cap_bytes = 10 where id = ?::uuid", execution);
        OutputRows.end(execution, "Succeeded", 0, "");

        assertEquals("0123456789\n[runcmd: stdout truncated at 10 bytes; 5 bytes not stored]\n",
                request().get(output("rg-cap")).then().statusCode(200).extract().asString());
        try (SseClient sse = SseClient.open(url(output("rg-cap")) + "&follow=true", Map.of())) {
            assertEquals("stdout", sse.next(10).name());
            SseClient.Event truncated = sse.next(10);
            assertEquals("truncated", truncated.name());
            assertEquals(10, json(truncated).getLong("capBytes"));
            assertEquals(15, json(sse.next(10)).getLong("stdoutBytes"));
        }
    }

    @Test
    void plainTextFollowEndsWhenExecutionEnds() throws Exception {
        String execution = OutputRows.newExecution("rg-tail", "m1", "job");
        OutputRows.running(execution);
        OutputRows.store(execution, STDOUT, 0, bytes("first\n"));
        CompletableFuture<String> body = OutputApi.followText("rg-tail");
        OutputRows.store(execution, STDOUT, 6, bytes("second\n"));
        OutputRows.end(execution, "Failed", 1, "");
        assertEquals("first\nsecond\n", body.get(15, TimeUnit.SECONDS));
    }

    @Test
    void idleEventStreamSendsKeepalives() throws Exception {
        String execution = OutputRows.newExecution("rg-idle", "m1", "job");
        OutputRows.running(execution);
        try (SseClient sse = SseClient.open(url(output("rg-idle")) + "&follow=true", Map.of())) {
            Awaitility.await("the prologue comment, then a keepalive each second (test profile)")
                    .atMost(Duration.ofSeconds(10)).until(() -> sse.comments.get() >= 3);
            OutputRows.end(execution, "Canceled", 143, "Canceled");
            SseClient.Event end = sse.next(10);
            assertEquals("end", end.name());
            assertEquals("Canceled", json(end).getString("executionState"));
            assertEquals(143, json(end).getInt("exitCode"));
        }
    }
}
