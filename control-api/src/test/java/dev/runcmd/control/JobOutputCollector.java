package dev.runcmd.control;

import dev.runcmd.proto.v1.JobOutputEvent;
import dev.runcmd.proto.v1.OutputStream;
import dev.runcmd.proto.v1.StreamJobOutputRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects a StreamJobOutput call: each machine's stdout and stderr text in order (checking that each event starts
 * where the previous one of its machine and stream ended), and the done state or the error. With {@code stalled},
 * it asks for no message at all until {@link #requestAll()}: a client that does not read.
 */
final class JobOutputCollector implements ClientResponseObserver<StreamJobOutputRequest, JobOutputEvent> {

    final CompletableFuture<String> done = new CompletableFuture<>();
    final AtomicLong messages = new AtomicLong();
    private final boolean stalled;
    private final Map<String, StringBuilder> text = new HashMap<>(); // guarded by this
    private final Map<String, Long> offsets = new HashMap<>(); // guarded by this
    private volatile ClientCallStreamObserver<StreamJobOutputRequest> call;

    JobOutputCollector(boolean stalled) {
        this.stalled = stalled;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamJobOutputRequest> requestStream) {
        call = requestStream;
        if (stalled) {
            requestStream.disableAutoRequestWithInitial(0);
        }
    }

    /** Lets a stalled collector read everything from now on. */
    void requestAll() {
        call.request(Integer.MAX_VALUE);
    }

    /** The stdout text of a machine received so far. */
    synchronized String stdout(String machine) {
        return text.getOrDefault(machine + " " + OutputStream.STDOUT, new StringBuilder()).toString();
    }

    @Override
    public synchronized void onNext(JobOutputEvent event) {
        messages.incrementAndGet();
        if (event.hasOutput()) {
            String key = event.getOutput().getMachine() + " " + event.getOutput().getStream();
            long expected = offsets.getOrDefault(key, 0L);
            if (event.getOutput().getOffset() != expected) {
                done.completeExceptionally(new AssertionError(key + ": output at "
                        + event.getOutput().getOffset() + " after " + expected + " bytes"));
            }
            text.computeIfAbsent(key, k -> new StringBuilder()).append(event.getOutput().getText());
            offsets.put(key, expected + event.getOutput().getText().getBytes(StandardCharsets.UTF_8).length);
        } else if (event.hasDone()) {
            done.complete(event.getDone().getProvisioningState());
        }
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        done.completeExceptionally(new AssertionError("completed without done"));
    }
}
