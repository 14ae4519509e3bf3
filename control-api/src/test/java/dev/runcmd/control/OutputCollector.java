package dev.runcmd.control;

import dev.runcmd.proto.v1.OutputEnd;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.OutputStream;
import dev.runcmd.proto.v1.StreamOutputRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects a StreamOutput call: the bytes of each stream in order (checking that each chunk starts where the
 * previous one ended), and the end or the error. With {@code stalled}, it asks for no message at all until
 * {@link #requestAll()}: a client that does not read; {@link #slow} makes one that reads slowly.
 */
final class OutputCollector implements ClientResponseObserver<StreamOutputRequest, OutputEvent> {

    final CompletableFuture<OutputEnd> end = new CompletableFuture<>();
    final AtomicLong messages = new AtomicLong();
    private final boolean stalled;
    private final long pauseMillis;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private volatile ClientCallStreamObserver<StreamOutputRequest> call;

    OutputCollector(boolean stalled) {
        this(stalled, 0);
    }

    private OutputCollector(boolean stalled, long pauseMillis) {
        this.stalled = stalled;
        this.pauseMillis = pauseMillis;
    }

    /** A client that reads, but takes {@code millis} over each message: the server's sends outrun it. */
    static OutputCollector slow(long millis) {
        return new OutputCollector(false, millis);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamOutputRequest> requestStream) {
        call = requestStream;
        if (stalled) {
            requestStream.disableAutoRequestWithInitial(0);
        }
    }

    /** Lets a stalled collector read everything from now on. */
    void requestAll() {
        call.request(Integer.MAX_VALUE);
    }

    /** Cancels the call, as a client that goes away. */
    void cancel() {
        call.cancel("test client leaves", null);
    }

    synchronized byte[] stdout() {
        return stdout.toByteArray();
    }

    synchronized byte[] stderr() {
        return stderr.toByteArray();
    }

    @Override
    public synchronized void onNext(OutputEvent event) {
        messages.incrementAndGet();
        if (pauseMillis > 0) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (event.hasChunk()) {
            ByteArrayOutputStream target = event.getChunk().getStream() == OutputStream.STDOUT ? stdout : stderr;
            if (event.getChunk().getOffset() != target.size()) {
                end.completeExceptionally(new AssertionError("chunk at " + event.getChunk().getOffset()
                        + " after " + target.size() + " bytes"));
            }
            target.writeBytes(event.getChunk().getData().toByteArray());
        } else if (event.hasEnd()) {
            end.complete(event.getEnd());
        }
    }

    @Override
    public void onError(Throwable t) {
        end.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        end.completeExceptionally(new AssertionError("completed without an end event"));
    }
}
