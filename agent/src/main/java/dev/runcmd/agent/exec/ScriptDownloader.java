package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Shell;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Fetches a Run's {@code script_uri} over HTTP(S): connect timeout, total timeout (headers and
 * body), and a size bound. The text is decoded as UTF-8 with a leading byte-order mark removed;
 * for shell scripts CRLF line ends become LF (a script saved on Windows would otherwise see "\r" in
 * every command). PowerShell scripts keep their line ends.
 *
 * <p>Every failure is an {@link ExecutionFailure} whose message names the URL as
 * scheme://host/path only: the query (a SAS token) and any user info are never shown or logged.
 *
 * <p>Threading: {@link #fetch} blocks up to the total timeout; call it on a worker thread.
 */
public final class ScriptDownloader {
    /** The defaults: connect within 10 s, everything within 60 s, at most 4 MiB. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(60);
    public static final long MAX_BYTES = 4L * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(ScriptDownloader.class.getName());
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Duration connect;
    private final Duration total;
    private final long maxBytes;
    // Created on first use (a selector thread and many classes that idle agents need not hold).
    // Guarded by this.
    private HttpClient client;

    /** Creates a downloader with the given bounds. */
    public ScriptDownloader(Duration connect, Duration total, long maxBytes) {
        this.connect = connect;
        this.total = total;
        this.maxBytes = maxBytes;
    }

    /*
     * HTTP/1.1: an HTTP/2 client holds later requests to a host back while its first cleartext
     * upgrade attempt is pending, so one slow download would stall the others.
     */
    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connect)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
    }

    /** Creates a downloader with the default bounds. */
    public ScriptDownloader() {
        this(CONNECT_TIMEOUT, TOTAL_TIMEOUT, MAX_BYTES);
    }

    /**
     * {@code run} itself when it carries its script, otherwise a copy with the script downloaded
     * from its {@code script_uri} (normalised as a shell script unless the shell is PowerShell).
     */
    public Run resolve(Run run) throws ExecutionFailure, InterruptedException {
        if (run.getScriptUri().isEmpty()) {
            return run;
        }
        String text = fetch(run.getScriptUri(), run.getShell() != Shell.SHELL_POWERSHELL);
        LOG.info(() -> "Execution " + run.getExecutionId() + ": downloaded its script (" + text.length() + " characters)");
        return run.toBuilder().setScript(text).build();
    }

    /** Downloads {@code uri} and returns the script text, normalised for a shell script or not. */
    public String fetch(String uri, boolean shellScript) throws ExecutionFailure, InterruptedException {
        URI target = parse(uri);
        byte[] body = download(target);
        return normalise(body, shellScript);
    }

    /** Strips a UTF-8 BOM, decodes UTF-8 and, for shell scripts, turns CRLF into LF. */
    static String normalise(byte[] body, boolean shellScript) {
        int start = startsWithBom(body) ? UTF8_BOM.length : 0;
        String text = new String(body, start, body.length - start, StandardCharsets.UTF_8);
        return shellScript ? text.replace("\r\n", "\n") : text;
    }

    /** The URL as scheme://host[:port]/path: without user info, query or fragment. */
    static String redact(URI uri) {
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getHost() + port + path;
    }

    private static URI parse(String uri) throws ExecutionFailure {
        URI target;
        try {
            target = new URI(uri);
        } catch (URISyntaxException e) {
            throw new ExecutionFailure("Failed to download the script: the scriptUri is not a valid URL");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null) {
            throw new ExecutionFailure("Failed to download the script: the scriptUri must be an http(s) URL with a host");
        }
        return target;
    }

    private byte[] download(URI target) throws ExecutionFailure, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(total).GET().build();
        CompletableFuture<HttpResponse<byte[]>> response = client().sendAsync(request,
                info -> info.statusCode() / 100 == 2 ? new BoundedBody(maxBytes) : BodySubscribers.replacing(null));
        try {
            HttpResponse<byte[]> answer = response.get(total.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.statusCode() / 100 != 2) {
                throw failure(target, "HTTP " + answer.statusCode());
            }
            return answer.body();
        } catch (TimeoutException e) {
            throw failure(target, "timed out after " + total.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw failure(target, describe(e.getCause()));
        } finally {
            response.cancel(true);
        }
    }

    private ExecutionFailure failure(URI target, String why) {
        return new ExecutionFailure("Failed to download the script from " + redact(target) + ": " + why);
    }

    private String describe(Throwable cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return "larger than " + (maxBytes >= 1024 * 1024 ? maxBytes / (1024 * 1024) + " MiB" : maxBytes + " bytes");
        }
        if (cause instanceof java.net.http.HttpConnectTimeoutException) {
            return "could not connect within the connect timeout";
        }
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "timed out after " + total.toSeconds() + " s";
        }
        String kind = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? kind : kind + ": " + cause.getMessage();
    }

    private static boolean startsWithBom(byte[] body) {
        return body.length >= UTF8_BOM.length
                && body[0] == UTF8_BOM[0] && body[1] == UTF8_BOM[1] && body[2] == UTF8_BOM[2];
    }
}
