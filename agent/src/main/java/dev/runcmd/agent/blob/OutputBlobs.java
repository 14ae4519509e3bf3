package dev.runcmd.agent.blob;

import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Run;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The output uploads of one execution: stdout to the Run's {@code output_blob_uri}, stderr to its
 * {@code error_blob_uri}, each only when given. Each upload reads the script's output file in the
 * execution's run dir as it grows (independent of the gateway stream), up to the final size.
 *
 * <p>Lifecycle, all from the execution: {@link #open} before the script starts (creates append
 * blobs; a failure means the script must not start), or {@link #resume} after an agent restart, {@link #start} once the script was launched,
 * {@link #finish} after it exited and before Exited is handed out, and {@link #close}. The same
 * methods on {@link #NONE} do nothing.
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
        Map<OutputStream, BlobUpload> uploads = uploads(run.getExecutionId(), run.getOutputBlobUri(),
                run.getErrorBlobUri(), client);
        if (uploads.isEmpty()) {
            return NONE;
        }
        for (BlobUpload upload : uploads.values()) {
            upload.create();
        }
        return new OutputBlobs(uploads);
    }

    /**
     * The uploads an earlier agent began for execution {@code executionId} (the Run's {@code outputUri} and
     * {@code errorUri}, "" where none), taken up where their blobs end: an append blob's length is asked, and
     * appending goes on from there. Blocks up to the client's request timeout per blob.
     *
     * @throws BlobException with the message for Exited, such as "Cannot resume the output blob at
     *     scheme://host/path: HTTP 404"
     */
    public static OutputBlobs resume(String executionId, String outputUri, String errorUri, BlobClient client)
            throws BlobException, InterruptedException {
        Map<OutputStream, BlobUpload> uploads = uploads(executionId, outputUri, errorUri, client);
        if (uploads.isEmpty()) {
            return NONE;
        }
        for (BlobUpload upload : uploads.values()) {
            upload.resume();
        }
        return new OutputBlobs(uploads);
    }

    private static Map<OutputStream, BlobUpload> uploads(String executionId, String outputUri, String errorUri,
            BlobClient client) throws BlobException {
        Map<OutputStream, BlobUpload> uploads = new EnumMap<>(OutputStream.class);
        add(uploads, executionId, OutputStream.STDOUT, outputUri, "output", client);
        add(uploads, executionId, OutputStream.STDERR, errorUri, "error", client);
        return uploads;
    }

    private static void add(Map<OutputStream, BlobUpload> uploads, String executionId, OutputStream stream,
            String url, String role, BlobClient client) throws BlobException {
        if (!url.isEmpty()) {
            uploads.put(stream, new BlobUpload(executionId, role, BlobTarget.parse(url, role), client));
        }
    }

    /** Opens each uploaded stream's output file ({@code files}) and starts the uploaders on {@code workers}. */
    public void start(Function<OutputStream, Path> files, ExecutorService workers) {
        uploads.forEach((stream, upload) -> upload.start(files.apply(stream), workers));
    }

    /**
     * Uploads what is left up to the final sizes ({@code stdoutBytes}, {@code stderrBytes}) and waits
     * for it, at most {@link #FINISH_LIMIT} for both streams. Returns what to append to the Exited
     * message: "" when everything arrived, else one " (output upload to host failed: reason)" per
     * failed stream.
     */
    public String finish(long stdoutBytes, long stderrBytes) throws InterruptedException {
        long deadline = System.nanoTime() + FINISH_LIMIT.toNanos();
        StringBuilder failures = new StringBuilder();
        uploads.forEach((stream, upload) -> upload.endOfStream(stream == OutputStream.STDERR ? stderrBytes : stdoutBytes));
        for (BlobUpload upload : uploads.values()) {
            failures.append(upload.result(deadline));
        }
        return failures.toString();
    }

    /** Closes the output files the uploads read. */
    public void close() {
        uploads.values().forEach(BlobUpload::close);
    }
}
