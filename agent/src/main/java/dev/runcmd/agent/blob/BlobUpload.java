package dev.runcmd.agent.blob;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The upload of one output stream to one blob. For an append blob: created before the script
 * starts ({@link #create}), then, on its own uploader thread, the bytes spooled since the last
 * block are appended about every {@link #INTERVAL} (at most {@link #MAX_BLOCK} per block), and
 * once more at the end. For a plain URL: one PUT of the whole spool at the end.
 *
 * <p>The first failed request ends the upload: later bytes are not sent, and {@link #result}
 * reports why. Lifecycle: {@link #create}, then {@link #start} once the script was launched, then
 * {@link #endOfStream} with the stream's final size once it exited, {@link #result}, then
 * {@link #close}.
 */
final class BlobUpload implements Runnable {
    /** How often new output is appended while the script runs. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** The largest Append Block the Azure service accepts. */
    static final long MAX_BLOCK = 4L * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(BlobUpload.class.getName());

    private final String executionId;
    private final String role;
    private final BlobTarget target;
    private final BlobClient client;
    private final CountDownLatch finishing = new CountDownLatch(1);
    private OutputSpool spool; // set by start, before the uploader thread starts
    private Future<?> uploader; // set by start
    private volatile String failure;
    private long uploaded; // set by resume before start, then confined to the uploader thread

    BlobUpload(String executionId, String role, BlobTarget target, BlobClient client) {
        this.executionId = executionId;
        this.role = role;
        this.target = target;
        this.client = client;
    }

    /** Creates the append blob (nothing to do for a plain URL); fails with the operator's message. */
    void create() throws BlobException, InterruptedException {
        if (!target.appendBlob()) {
            return;
        }
        try {
            client.createAppendBlob(target);
        } catch (BlobException e) {
            throw new BlobException("Cannot create the " + role + " blob at " + target.redacted() + ": " + e.getMessage());
        }
    }

    /**
     * Takes up an upload an earlier agent began: an append blob goes on after the bytes it already holds
     * (a plain URL is written whole at the end anyway). Fails with the operator's message.
     */
    void resume() throws BlobException, InterruptedException {
        if (!target.appendBlob()) {
            return;
        }
        try {
            uploaded = client.length(target);
        } catch (BlobException e) {
            throw new BlobException("Cannot resume the " + role + " blob at " + target.redacted() + ": " + e.getMessage());
        }
    }

    /** Opens the script's output {@code file} and starts the uploader on {@code workers}. */
    void start(Path file, ExecutorService workers) {
        try {
            spool = OutputSpool.follow(file);
            uploader = workers.submit(this);
        } catch (IOException e) {
            fail("the output could not be spooled: " + e.getMessage());
        } catch (RejectedExecutionException e) {
            fail("the agent is stopping");
        }
    }

    @Override
    public void run() {
        try {
            while (!finishing.await(INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (target.appendBlob()) {
                    appendNewBytes();
                }
            }
            uploadRest();
        } catch (BlobException e) {
            fail(e.getMessage());
        } catch (InterruptedException e) {
            fail("interrupted");
        }
    }

    private void uploadRest() throws BlobException, InterruptedException {
        if (target.appendBlob()) {
            appendNewBytes();
        } else {
            client.put(target, spool, spoolSize());
        }
    }

    /** Appends what was spooled since the last block, in blocks of at most {@link #MAX_BLOCK}. */
    private void appendNewBytes() throws BlobException, InterruptedException {
        long size = spoolSize();
        if (uploaded > size) {
            throw new BlobException("the blob holds " + uploaded + " bytes, more than the " + size + " the script wrote");
        }
        while (uploaded < size) {
            long length = Math.min(MAX_BLOCK, size - uploaded);
            client.appendBlock(target, spool, uploaded, length);
            uploaded += length;
        }
    }

    private long spoolSize() throws BlobException {
        try {
            return spool.size();
        } catch (IOException e) {
            throw new BlobException("the output file cannot be read: " + e.getMessage());
        }
    }

    /** Tells the uploader the stream's final size: it uploads what is left and ends. */
    void endOfStream(long finalSize) {
        if (spool != null) {
            spool.seal(finalSize);
        }
        finishing.countDown();
    }

    /**
     * Waits for the uploader, after {@link #endOfStream}, until {@code deadlineNanos}
     * (System.nanoTime); an upload still running then is abandoned. Returns the failure as
     * " (output upload to host failed: reason)", or "" when the whole stream arrived.
     */
    String result(long deadlineNanos) throws InterruptedException {
        if (uploader != null) {
            await(deadlineNanos);
        }
        String why = failure;
        if (why == null) {
            return "";
        }
        LOG.warning(() -> "Execution " + executionId + ": " + role + " upload to " + target.redacted() + " failed: " + why);
        return " (" + role + " upload to " + target.host() + " failed: " + why + ")";
    }

    private void await(long deadlineNanos) throws InterruptedException {
        try {
            uploader.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            fail("not finished within the upload time limit");
            uploader.cancel(true);
        } catch (ExecutionException e) {
            fail(e.getCause().toString());
        }
    }

    /** Records the first failure only. */
    private synchronized void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    /** Closes the spool. */
    void close() {
        if (spool == null) {
            return;
        }
        try {
            spool.close();
        } catch (IOException e) {
            LOG.fine(() -> "Cannot close the " + role + " spool of " + executionId + ": " + e.getMessage());
        }
    }
}
