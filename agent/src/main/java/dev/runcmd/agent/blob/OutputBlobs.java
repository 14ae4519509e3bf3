package dev.runcmd.agent.blob;

import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Run;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The output uploads of one execution: stdout to the Run's {@code output_blob_uri}, stderr to its
 * {@code error_blob_uri}, each only when given. Spools live in the exec dir as
 * {@code .runcmd-stdout} and {@code .runcmd-stderr}.
 *
 * <p>Lifecycle, all from the execution: {@link #open} before the script starts (creates append
 * blobs; a failure means the script must not start), {@link #start} once the exec dir exists and
 * before the pumps run, {@link #finish} after the pumps stopped and before Exited is queued, and
 * {@link #close}. The same methods on {@link #NONE} do nothing.
 */
public final class OutputBlobs {
    /** How long {@link #finish} waits for the last uploads of both streams together. */
    public static final Duration FINISH_LIMIT = Duration.ofSeconds(30);
    /** No uploads: the Run names no blob. */
    public static final OutputBlobs NONE = new OutputBlobs(new EnumMap<>(OutputStream.class));

    private final Map<OutputStream, BlobUpload> uploads;

    private OutputBlobs(Map<OutputStream, BlobUpload> uploads) {
        this.uploads = uploads;
    }

    /**
     * The uploads {@code run} asks for, with their append blobs created (or replaced), stdout's
     * first. Blocks up to the client's request timeout per blob.
     *
     * @throws BlobException with the Exited message: a URL that is not http(s), or "Cannot create
     *     the output blob at scheme://host/path: HTTP 403"
     */
    public static OutputBlobs open(Run run, BlobClient client) throws BlobException, InterruptedException {
        Map<OutputStream, BlobUpload> uploads = new EnumMap<>(OutputStream.class);
        add(uploads, run, OutputStream.STDOUT, run.getOutputBlobUri(), "output", client);
        add(uploads, run, OutputStream.STDERR, run.getErrorBlobUri(), "error", client);
        if (uploads.isEmpty()) {
            return NONE;
        }
        for (BlobUpload upload : uploads.values()) {
            upload.create();
        }
        return new OutputBlobs(uploads);
    }

    private static void add(Map<OutputStream, BlobUpload> uploads, Run run, OutputStream stream, String url,
            String role, BlobClient client) throws BlobException {
        if (!url.isEmpty()) {
            uploads.put(stream, new BlobUpload(run.getExecutionId(), role, BlobTarget.parse(url, role), client));
        }
    }

    /** Opens the spools in {@code execDir} and starts the uploaders on {@code workers}. */
    public void start(Path execDir, ExecutorService workers) {
        uploads.forEach((stream, upload) -> upload.start(execDir.resolve(spoolName(stream)), workers));
    }

    /** Where the pump of {@code stream} copies each chunk it queues (a no-op when not uploaded). */
    public Consumer<ByteBuffer> sink(OutputStream stream) {
        BlobUpload upload = uploads.get(stream);
        return upload != null ? upload.sink() : chunk -> { };
    }

    /**
     * Uploads what is left and waits for it, at most {@link #FINISH_LIMIT} for both streams.
     * Returns what to append to the Exited message: "" when everything arrived, else one
     * " (output upload to host failed: reason)" per failed stream.
     */
    public String finish() throws InterruptedException {
        long deadline = System.nanoTime() + FINISH_LIMIT.toNanos();
        StringBuilder failures = new StringBuilder();
        uploads.values().forEach(BlobUpload::endOfStream);
        for (BlobUpload upload : uploads.values()) {
            failures.append(upload.result(deadline));
        }
        return failures.toString();
    }

    /** Closes the spools; their files go with the exec dir. */
    public void close() {
        uploads.values().forEach(BlobUpload::close);
    }

    private static String spoolName(OutputStream stream) {
        return stream == OutputStream.STDOUT ? ".runcmd-stdout" : ".runcmd-stderr";
    }
}
