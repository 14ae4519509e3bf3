package dev.runcmd.agent.blob;

import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP requests of an output upload: create an Azure append blob, append one block to it, ask
 * its length (to resume after an agent restart), and a plain PUT of a whole stream. HTTP/1.1, connect timeout, a timeout per request, no
 * redirects. Bodies are read from the {@link OutputSpool} in small pieces, so a 4 MiB block is
 * never held in memory.
 *
 * <p>Every failure is a {@link BlobException} whose message is the reason only ("HTTP 403",
 * "timed out after 60 s"): never the URL. Threading: each call blocks up to the request timeout;
 * an interrupt abandons the request.
 */
public final class BlobClient {
    /** The defaults: connect within 10 s, each request within 60 s. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** The Azure Storage REST API version sent with every request. */
    static final String AZURE_VERSION = "2021-12-02";

    private final Duration connect;
    private final Duration request;
    // Created on first use: the JDK client starts a selector thread and loads many classes,
    // which an agent that never uploads should not pay for in idle memory. Guarded by this.
    private HttpClient http;

    /** Creates a client with the given timeouts. */
    public BlobClient(Duration connect, Duration request) {
        this.connect = connect;
        this.request = request;
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connect).build();
        }
        return http;
    }

    /** Creates a client with the default timeouts. */
    public BlobClient() {
        this(CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    /** Creates (or replaces) the append blob at {@code target}, empty. */
    void createAppendBlob(BlobTarget target) throws BlobException, InterruptedException {
        send(HttpRequest.newBuilder(target.uri())
                .header("x-ms-blob-type", "AppendBlob")
                .header("x-ms-version", AZURE_VERSION)
                .PUT(BodyPublishers.noBody()));
    }

    /** Appends bytes {@code [from, from + length)} of {@code spool} to the append blob at {@code target}. */
    void appendBlock(BlobTarget target, OutputSpool spool, long from, long length)
            throws BlobException, InterruptedException {
        send(HttpRequest.newBuilder(target.appendBlockUri())
                .header("x-ms-version", AZURE_VERSION)
                .PUT(body(spool, from, length)));
    }

    /** The length of the blob at {@code target} (its Content-Length): how much of it was appended so far. */
    long length(BlobTarget target) throws BlobException, InterruptedException {
        HttpResponse<Void> response = send(HttpRequest.newBuilder(target.uri())
                .header("x-ms-version", AZURE_VERSION)
                .method("HEAD", BodyPublishers.noBody()));
        return response.headers().firstValueAsLong("Content-Length")
                .orElseThrow(() -> new BlobException("the blob's length is unknown (no Content-Length)"));
    }

    /** Writes the first {@code length} bytes of {@code spool} to {@code target} with one plain PUT. */
    void put(BlobTarget target, OutputSpool spool, long length) throws BlobException, InterruptedException {
        send(HttpRequest.newBuilder(target.uri())
                .header("Content-Type", "application/octet-stream")
                .PUT(body(spool, 0, length)));
    }

    private static BodyPublisher body(OutputSpool spool, long from, long length) {
        if (length == 0) {
            return BodyPublishers.noBody();
        }
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> spool.read(from, length)), length);
    }

    private HttpResponse<Void> send(HttpRequest.Builder builder) throws BlobException, InterruptedException {
        CompletableFuture<HttpResponse<Void>> response =
                http().sendAsync(builder.timeout(request).build(), BodyHandlers.discarding());
        try {
            HttpResponse<Void> answer = response.get(request.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.statusCode() >= 300) {
                throw new BlobException("HTTP " + answer.statusCode());
            }
            return answer;
        } catch (TimeoutException e) {
            throw new BlobException("timed out after " + request.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new BlobException(describe(e.getCause()));
        } finally {
            response.cancel(true);
        }
    }

    private String describe(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "could not connect within " + connect.toSeconds() + " s";
        }
        if (cause instanceof HttpTimeoutException) {
            return "timed out after " + request.toSeconds() + " s";
        }
        String kind = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? kind : kind + ": " + cause.getMessage();
    }
}
