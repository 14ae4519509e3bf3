package dev.runcmd.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client for runcmd's Azure-shaped REST API. Paths are built from the scope given at construction; every
 * request carries the api-version, the connection's bearer token (when it has one) and its
 * {@code x-ms-correlation-request-id}. Error answers become {@link ArmException}s carrying the answer's request id.
 */
public final class ArmClient {

    /** The api-version of runcmd's own resources (machines, run commands, join tokens, runcmd tokens). */
    public static final String API_VERSION = "2024-11-10-preview";
    /** The api-version of role definitions and role assignments, as Azure's Microsoft.Authorization. */
    public static final String AUTHORIZATION_API_VERSION = "2022-04-01";
    /** The api-version of the activity log, as Azure's Microsoft.Insights event values. */
    public static final String ACTIVITY_LOG_API_VERSION = "2015-04-01";
    /** The runcmd tokens collection (tenant-wide, outside any subscription). */
    public static final String TOKENS_PATH = "/providers/runcmd.Authorization/tokens";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ERROR_DESCRIPTION = Pattern.compile("error_description=\"([^\"]*)\"");

    private final Connection connection;
    private final String subscriptionId;
    private final String resourceGroup;
    private final RetryPolicy retries;

    /** A client that sends no credential, with the JDK's trust store. */
    public ArmClient(String endpoint, String subscriptionId, String resourceGroup) {
        this(endpoint, subscriptionId, resourceGroup, Credential.none());
    }

    /** A client presenting {@code credential}, with the JDK's trust store. */
    public ArmClient(String endpoint, String subscriptionId, String resourceGroup, Credential credential) {
        this(Connection.of(endpoint, credential), subscriptionId, resourceGroup);
    }

    /**
     * A client on {@code connection} for a subscription and resource group; {@code resourceGroup} may be null for
     * commands above resource groups (tokens, roles, activity log).
     */
    public ArmClient(Connection connection, String subscriptionId, String resourceGroup) {
        this.connection = connection;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.retries = new RetryPolicy(connection.trace());
    }

    public Connection connection() {
        return connection;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    /** {@code /subscriptions/{sub}}. */
    public String subscriptionPath() {
        return "/subscriptions/" + encode(subscriptionId);
    }

    /** The role definitions of this subscription. */
    public String roleDefinitionsPath() {
        return subscriptionPath() + "/providers/Microsoft.Authorization/roleDefinitions";
    }

    /** The activity log of this subscription. */
    public String activityLogPath() {
        return subscriptionPath() + "/providers/Microsoft.Insights/eventtypes/management/values";
    }

    /** The path of the machines collection of this scope. */
    public String machinesPath() {
        return subscriptionPath() + "/resourceGroups/" + encode(resourceGroup)
                + "/providers/Microsoft.HybridCompute/machines";
    }

    /** The path of the join tokens collection of this scope. */
    public String joinTokensPath() {
        return subscriptionPath() + "/resourceGroups/" + encode(resourceGroup)
                + "/providers/Microsoft.HybridCompute/joinTokens";
    }

    public String machinePath(String machine) {
        return machinesPath() + "/" + encode(machine);
    }

    /** The resource group's fan-out jobs (runcmd's runCommandJobs). */
    public String jobsPath() {
        return subscriptionPath() + "/resourceGroups/" + encode(resourceGroup)
                + "/providers/Microsoft.HybridCompute/runCommandJobs";
    }

    public String jobPath(String name) {
        return jobsPath() + "/" + encode(name);
    }

    public String runCommandsPath(String machine) {
        return machinePath(machine) + "/runCommands";
    }

    public String runCommandPath(String machine, String name) {
        return runCommandsPath(machine) + "/" + encode(name);
    }

    /** GET at runcmd's api-version; answers the body, or throws the ARM error. */
    public JsonNode get(String path) throws IOException, InterruptedException, ArmException, CredentialException {
        return get(path, API_VERSION);
    }

    /** GET at {@code apiVersion}; {@code path} may carry a query. */
    public JsonNode get(String path, String apiVersion)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return send(HttpRequest.newBuilder(uri(path, apiVersion)).GET()).body();
    }

    /**
     * GET of a page's {@code nextLink} as the server wrote it. It must point at this connection's endpoint: the
     * credential is never sent elsewhere.
     */
    public JsonNode getNextLink(String nextLink)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return getUrl(nextLink, "server's nextLink").body();
    }

    /**
     * GET of an absolute URL the server wrote (an operation's {@code Azure-AsyncOperation} or {@code Location}),
     * answering status and body (an operation result answers 202 while it runs). The URL must point at this
     * connection's endpoint: the credential is never sent elsewhere. {@code what} names the URL in that error.
     */
    public Answer getUrl(String url, String what)
            throws IOException, InterruptedException, ArmException, CredentialException {
        URI target = URI.create(url);
        if (!origin(target).equals(origin(URI.create(connection.endpoint())))) {
            throw new IOException("the " + what + " points at " + origin(target) + ", not at "
                    + origin(URI.create(connection.endpoint())) + "; not following it with your credential");
        }
        return send(HttpRequest.newBuilder(target).GET());
    }

    /** GET of raw bytes (e.g. a stream's stored output), copied to {@code sink} as they arrive. */
    public void download(String path, OutputStream sink)
            throws IOException, InterruptedException, ArmException, CredentialException {
        try (InputStream body = openStream(path, null, "application/octet-stream")) {
            body.transferTo(sink);
        }
        sink.flush();
    }

    /** PUT with a JSON body at runcmd's api-version; answers status and body. */
    public Answer put(String path, JsonNode body)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return put(path, API_VERSION, body);
    }

    /** PUT with a JSON body at {@code apiVersion}. */
    public Answer put(String path, String apiVersion, JsonNode body)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return send(HttpRequest.newBuilder(uri(path, apiVersion))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    /** PATCH with a JSON body at runcmd's api-version; answers status and body. */
    public Answer patch(String path, JsonNode body)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return send(HttpRequest.newBuilder(uri(path, API_VERSION))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    /** DELETE at runcmd's api-version; answers the status (200/202 deleted, 204 absent). */
    public int delete(String path) throws IOException, InterruptedException, ArmException, CredentialException {
        return delete(path, API_VERSION).status();
    }

    /** DELETE at {@code apiVersion}; answers status and body (some deletes answer what they deleted). */
    public Answer delete(String path, String apiVersion)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return send(HttpRequest.newBuilder(uri(path, apiVersion)).DELETE());
    }

    /** POST without a body; answers status and body. */
    public Answer post(String path) throws IOException, InterruptedException, ArmException, CredentialException {
        return send(HttpRequest.newBuilder(uri(path, API_VERSION)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POST with a JSON body; answers status and body. */
    public Answer post(String path, JsonNode body)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return send(HttpRequest.newBuilder(uri(path, API_VERSION))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    /**
     * Opens a streaming GET (e.g. Server-Sent Events); the caller reads and closes the body.
     * {@code lastEventId} resumes a stream after the given event, when not null.
     */
    public InputStream openStream(String pathAndQuery, String lastEventId)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return openStream(pathAndQuery, lastEventId, "text/event-stream");
    }

    /**
     * A successful answer.
     *
     * @param status the HTTP status
     * @param body the JSON body, or a JSON null when there was none
     * @param asyncOperation the {@code Azure-AsyncOperation} URL of a long-running operation (PUT, PATCH, DELETE),
     *                       or null
     */
    public record Answer(int status, JsonNode body, String asyncOperation) {
    }

    private InputStream openStream(String pathAndQuery, String lastEventId, String accept)
            throws IOException, InterruptedException, ArmException, CredentialException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery, API_VERSION)).GET().header("Accept", accept);
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        String source = authorize(builder);
        HttpRequest request = builder.build();
        HttpResponse<InputStream> response = exchange(request, ArmClient::streamUnlessError, source);
        if (response.statusCode() >= 400) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readAllBytes();
            }
            throw error(response.statusCode(), response.headers(), body, source);
        }
        return response.body();
    }

    private Answer send(HttpRequest.Builder builder)
            throws IOException, InterruptedException, ArmException, CredentialException {
        String source = authorize(builder.timeout(REQUEST_TIMEOUT).header("Accept", "application/json"));
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray(), source);
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.headers(), response.body(), source);
        }
        JsonNode body = response.body().length == 0 ? JSON.nullNode() : parse(response.body());
        return new Answer(response.statusCode(), body,
                response.headers().firstValue("Azure-AsyncOperation").orElse(null));
    }

    /** Sends {@code request} under the {@link RetryPolicy}, tracing every attempt. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                         String credentialSource) throws IOException, InterruptedException {
        try {
            return retries.run(request.method(), request.uri().toString(), () -> {
                long started = System.nanoTime();
                HttpResponse<T> response = connection.http().send(request, handler);
                trace(request, response, started, credentialSource);
                return response;
            });
        } catch (ConnectException e) {
            throw unreachable(e);
        }
    }

    /** A stream's body; an error answer's is read whole first, so that a retry never leaves a connection open. */
    private static HttpResponse.BodySubscriber<InputStream> streamUnlessError(HttpResponse.ResponseInfo info) {
        if (info.statusCode() >= 400) {
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                    ByteArrayInputStream::new);
        }
        return HttpResponse.BodySubscribers.ofInputStream();
    }

    /** Adds the credential and the correlation id; answers where the credential came from, or null if none. */
    private String authorize(HttpRequest.Builder builder)
            throws IOException, InterruptedException, CredentialException {
        builder.header("x-ms-correlation-request-id", connection.correlationId());
        String token = connection.credential().bearerToken();
        if (token == null) {
            return null;
        }
        builder.header("Authorization", "Bearer " + token);
        return connection.credential().source();
    }

    private ArmException error(int status, HttpHeaders headers, byte[] bytes, String credentialSource) {
        JsonNode error = bytes.length == 0 ? JSON.nullNode() : parse(bytes).path("error");
        String message = error.path("message").asText(null);
        if (message == null) {
            message = bytes.length > 0 ? new String(bytes, StandardCharsets.UTF_8).strip() : challengeMessage(headers);
        }
        return new ArmException(status, error.path("code").asText("HTTP" + status), message,
                headers.firstValue("x-ms-request-id").orElse(null),
                headers.firstValue("x-ms-correlation-request-id").orElse(connection.correlationId()),
                credentialSource);
    }

    /** The {@code error_description} of a bare 401's {@code WWW-Authenticate} challenge, if any. */
    private static String challengeMessage(HttpHeaders headers) {
        return headers.firstValue("WWW-Authenticate").map(ERROR_DESCRIPTION::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).orElse("(the answer had no body)");
    }

    private IOException unreachable(ConnectException e) {
        return new IOException("cannot reach the runcmd API at " + connection.endpoint()
                + " (is `runcmd up` running? set --endpoint or RUNCMD_ENDPOINT)", e);
    }

    private void trace(HttpRequest request, HttpResponse<?> response, long startedNanos, String credentialSource) {
        if (connection.trace() == null) {
            return;
        }
        connection.trace().printf("runcmd: %s %s -> %d in %d ms, request id %s, credential: %s%n", request.method(),
                request.uri(), response.statusCode(), (System.nanoTime() - startedNanos) / 1_000_000,
                response.headers().firstValue("x-ms-request-id").orElse("(none)"),
                credentialSource == null ? "none sent" : credentialSource);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private URI uri(String path, String apiVersion) {
        String separator = path.contains("?") ? "&" : "?";
        return URI.create(connection.endpoint() + path + separator + "api-version=" + apiVersion);
    }

    private static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }

    /** A path segment or a query value, percent-encoded (a space is {@code %20}, never {@code +}). */
    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
