package dev.runcmd.control.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.state.ExecutionState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A follower against a store that goes away (it waits and reads again instead of ending), a hub that shuts
 * down (following followers end with SHUTTING_DOWN at once, reading ones finish), and chunks that come with their
 * notification (delivered without a read when they continue what the client has). Real Vert.x contexts; the
 * reads come from a scripted reader instead of PostgreSQL.
 */
class FollowerTest {

    private static final Duration LONG = Duration.ofMinutes(10);
    private static final ExecutionStatus RUNNING =
            new ExecutionStatus(ExecutionState.RUNNING, null, "", 3, 0, 0, 0, null);

    private final Vertx vertx = Vertx.vertx();
    private final OutputHub hub = new OutputHub(io.vertx.mutiny.core.Vertx.newInstance(vertx),
            new ListenSettings("postgresql://localhost:1/none", Optional.empty(), Optional.empty()));
    /** The execution every follower of a test reads. */
    private final UUID executionId = UUID.randomUUID();
    private final BlockingQueue<Supplier<Uni<Optional<Batch>>>> script = new LinkedBlockingQueue<>();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    void unreachableStoreKeepsTheFollowerUntilItIsBack() throws Exception {
        script.add(() -> Uni.createFrom().failure(new ConnectException("Connection refused")));
        script.add(() -> Uni.createFrom().item(Optional.of(batchWith("hi\n"))));
        RecordingSink sink = new RecordingSink();
        Follower<OutputSink> follower = follow(sink, true, LONG);
        assertTrue(sink.readsStarted(1), "no first read");
        follower.wake();
        assertEquals("chunk stdout 0 hi\n", sink.next());
        assertEquals(0, script.size());
    }

    @Test
    void aShedReadIsTriedAgainAtTheNextTickNotTheNextPoll() throws Exception {
        script.add(() -> Uni.createFrom().failure(
                new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 80")));
        script.add(() -> Uni.createFrom().item(Optional.of(batchWith("hi\n"))));
        RecordingSink sink = new RecordingSink();
        Follower<OutputSink> follower = follow(sink, true, LONG);
        assertTrue(sink.readsStarted(1), "no first read");
        follower.tick();
        assertEquals("chunk stdout 0 hi\n", sink.next());
        assertEquals(0, script.size());
    }

    @Test
    void outageLongerThanTheTimeoutEndsWithUnavailable() throws Exception {
        script.add(() -> Uni.createFrom().failure(new ConnectException("Connection refused")));
        RecordingSink sink = new RecordingSink();
        follow(sink, true, Duration.ZERO);
        assertEquals("fail UNAVAILABLE", sink.next());
    }

    @Test
    void shutdownEndsFollowingFollowersNowAndLater() throws Exception {
        script.add(() -> Uni.createFrom().item(Optional.of(batchWith("hi\n"))));
        RecordingSink before = new RecordingSink();
        follow(before, true, LONG);
        assertEquals("chunk stdout 0 hi\n", before.next());
        hub.drain();
        assertEquals("fail SHUTTING_DOWN", before.next());
        RecordingSink after = new RecordingSink();
        follow(after, true, LONG);
        assertEquals("fail SHUTTING_DOWN", after.next());
        assertEquals(0, hub.followerCount(executionId));
    }

    @Test
    void shutdownLetsAReadOfWhatIsStoredFinish() throws Exception {
        script.add(() -> Uni.createFrom().item(Optional.of(batchWith("hi\n"))));
        script.add(() -> Uni.createFrom().item(Optional.of(new Batch(RUNNING, List.of(), false, List.of(), false))));
        hub.drain();
        RecordingSink sink = new RecordingSink();
        follow(sink, false, LONG);
        assertEquals("chunk stdout 0 hi\n", sink.next());
        assertEquals("end Running", sink.next());
    }

    @Test
    void aNotifiedChunkThatContinuesTheOutputIsDeliveredWithoutARead() throws Exception {
        script.add(() -> Uni.createFrom().item(Optional.of(batchWith("hi\n"))));
        RecordingSink sink = new RecordingSink();
        Follower<OutputSink> follower = follow(sink, true, LONG);
        assertEquals("chunk stdout 0 hi\n", sink.next());
        assertTrue(sink.readsStarted(1), "no first read");
        assertTrue(sink.readsStarted(1), "no read after the first round, which may have had more");
        follower.push(notified(StdStream.STDOUT, 3, "there\n"));
        follower.push(notified(StdStream.STDERR, 0, "warn\n"));
        assertEquals("chunk stdout 3 there\n", sink.next());
        assertEquals("chunk stderr 0 warn\n", sink.next());
        follower.push(notified(StdStream.STDOUT, 0, "hi\nthere\n")); // already delivered: nothing, and no read
        follower.push(notified(StdStream.STDOUT, 5, "ere\nagain\n")); // overlaps: only the new part
        assertEquals("chunk stdout 9 again\n", sink.next());
        assertEquals(null, sink.reads.poll(200, TimeUnit.MILLISECONDS), "a notified chunk caused a read");
    }

    @Test
    void aNotifiedChunkAfterAGapIsReadFromTheStoreInstead() throws Exception {
        RecordingSink sink = new RecordingSink();
        Follower<OutputSink> follower = follow(sink, true, LONG);
        assertTrue(sink.readsStarted(1), "no first read");
        follower.push(notified(StdStream.STDOUT, 7, "later\n"));
        assertEquals(Offsets.ZERO, sink.reads.poll(5, TimeUnit.SECONDS), "the gap was not read from the store");
        assertEquals(null, sink.events.poll(200, TimeUnit.MILLISECONDS), "the chunk after the gap was delivered");
    }

    @Test
    void aNotifiedChunkReachingTheLastLimitEndsTheDeliveryThroughARead() throws Exception {
        RecordingSink sink = new RecordingSink();
        Follower<OutputSink> follower = follow(sink, FollowSpec.single(executionId, StdStream.STDOUT, 0, 4, true));
        assertTrue(sink.readsStarted(1), "no first read");
        follower.push(notified(StdStream.STDOUT, 0, "one\ntwo\n"));
        assertEquals("chunk stdout 0 one\n", sink.next());
        assertTrue(sink.readsStarted(1), "no read after the limit");
        assertEquals("end Running", sink.next());
    }

    @Test
    void notificationPayloadsParse() {
        UUID id = UUID.randomUUID();
        NotifiedChunk chunk = NotifiedChunk.parse(id + " 2 123 aGVs\nbG8=").orElseThrow();
        assertEquals(id, chunk.executionId());
        assertEquals(StdStream.STDERR, chunk.stream());
        assertEquals(123, chunk.offset());
        assertEquals("hello", new String(chunk.data(), StandardCharsets.UTF_8));
        for (String payload : List.of(id.toString(), id + " 3 0 aGk=", id + " 1 -1 aGk=", id + " 1 x aGk=",
                "job 1 0 aGk=", id + " 1 0 ", id + " 1 0 *")) {
            assertEquals(Optional.empty(), NotifiedChunk.parse(payload), payload);
        }
    }

    private NotifiedChunk notified(StdStream stream, long offset, String text) {
        return new NotifiedChunk(executionId, stream, offset, text.getBytes(StandardCharsets.UTF_8));
    }

    private Follower<OutputSink> follow(RecordingSink sink, boolean follow, Duration outage) {
        return follow(sink, FollowSpec.both(executionId, Offsets.ZERO, follow), outage);
    }

    private Follower<OutputSink> follow(RecordingSink sink, FollowSpec spec) {
        return follow(sink, spec, LONG);
    }

    private Follower<OutputSink> follow(RecordingSink sink, FollowSpec spec, Duration outage) {
        FollowTimings timings = FollowTimings.of(LONG, LONG, LONG, outage);
        Follower<OutputSink> follower = new Follower<>(new ExecutionSource(spec, new ScriptedReader(sink)), sink,
                vertx.getOrCreateContext(), timings, hub, () -> { });
        follower.start();
        return follower;
    }

    private static Batch batchWith(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return new Batch(RUNNING, List.of(new StoredChunk(StdStream.STDOUT, 0, data, 1)), false, List.of(), false);
    }

    /** Answers each read with the next scripted result. */
    private final class ScriptedReader extends OutputReader {

        private final RecordingSink sink;

        ScriptedReader(RecordingSink sink) {
            super(null, new TestConfig());
            this.sink = sink;
        }

        @Override
        public Uni<Optional<Batch>> read(UUID executionId, Offsets from) {
            sink.reads.add(from);
            Supplier<Uni<Optional<Batch>>> next = script.poll();
            return next == null ? Uni.createFrom().item(Optional.of(new Batch(RUNNING, List.of(), false,
                    List.of(), false))) : next.get();
        }
    }

    /** Records what the follower delivers, as text; always ready. */
    private static final class RecordingSink implements OutputSink {

        final BlockingQueue<Offsets> reads = new LinkedBlockingQueue<>();
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        String next() throws InterruptedException {
            return events.poll(5, TimeUnit.SECONDS);
        }

        boolean readsStarted(int count) throws InterruptedException {
            for (int i = 0; i < count; i++) {
                if (reads.poll(5, TimeUnit.SECONDS) == null) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void bind(Runnable onReady, Runnable onClosed) {
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void chunk(StdStream stream, long offset, byte[] data) {
            events.add("chunk " + stream.label() + " " + offset + " " + new String(data, StandardCharsets.UTF_8));
        }

        @Override
        public void truncated(StdStream stream, long capBytes) {
            events.add("truncated " + stream.label());
        }

        @Override
        public void keepalive() {
        }

        @Override
        public void end(UUID executionId, ExecutionStatus status) {
            events.add("end " + status.state().azure());
        }

        @Override
        public void fail(FollowFailure failure) {
            events.add("fail " + failure.name());
        }
    }

    /** Only the output batch size is read by the reader. */
    private static final class TestConfig implements ControlConfig {

        @Override
        public Api api() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Dispatch dispatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Store store() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Output output() {
            return new Output() {
                @Override
                public Duration stallTimeout() {
                    return LONG;
                }

                @Override
                public Duration pollInterval() {
                    return LONG;
                }

                @Override
                public Duration storeOutageTimeout() {
                    return LONG;
                }

                @Override
                public Duration keepalive() {
                    return LONG;
                }

                @Override
                public int batchBytes() {
                    return 1 << 20;
                }

                @Override
                public int maxFollowersPerCaller() {
                    return 100;
                }
            };
        }
    }
}
