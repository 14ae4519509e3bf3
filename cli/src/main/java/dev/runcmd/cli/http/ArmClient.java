package dev.runcmd.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client for runcmd's Azure-Arc-shaped REST API. Paths are built from the scope given at
 * construction; every request carries the api-version.
 */
public final class ArmClient {

    public static final String API_VERSION = "2024-11-10-preview";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String endpoint;
    private final String subscriptionId;
    private final String resourceGroup;

    public ArmClient(String endpoint, String subscriptionId, String resourceGroup) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
    }

    /** The path of the machines collection of this scope. */
    public String machinesPath() {
        return "/subscriptions/" + encode(subscriptionId) + "/resourceGroups/" + encode(resourceGroup)
                + "/providers/Microsoft.HybridCompute/machines";
    }

    /** The path of the join tokens collection of this scope. */
    public String joinTokensPath() {
        return "/subscriptions/" + encode(subscriptionId) + "/resourceGroups/" + encode(resourceGroup)
                + "/providers/Microsoft.HybridCompute/joinTokens";
    }

    public String machinePath(String machine) {
        return machinesPath() + "/" + encode(machine);
    }

    public String runCommandsPath(String machine) {
        return machinePath(machine) + "/runCommands";
    }

    public String runCommandPath(String machine, String name) {
        return runCommandsPath(machine) + "/" + encode(name);
    }

    /** GET; answers the body, or throws the ARM error. */
    public JsonNode get(String path) throws IOException, InterruptedException, ArmException {
        return send(HttpRequest.newBuilder(uri(path)).GET()).body();
    }

    /** GET of raw bytes (e.g. a stream's stored output), copied to {@code sink} as they arrive. */
    public void download(String path, java.io.OutputStream sink) throws IOException, InterruptedException, ArmException {
        try (java.io.InputStream body = openStream(path, null, "application/octet-stream")) {
            body.transferTo(sink);
        }
        sink.flush();
    }

    /** PUT with a JSON body; answers status and body. */
    public Answer put(String path, JsonNode body) throws IOException, InterruptedException, ArmException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** DELETE; answers the status (200/202 deleted, 204 absent). */
    public int delete(String path) throws IOException, InterruptedException, ArmException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE()).status();
    }

    /**
     * Opens a streaming GET (e.g. Server-Sent Events); the caller reads and closes the body.
     * {@code lastEventId} resumes a stream after the given event, when not null.
     */
    public java.io.InputStream openStream(String pathAndQuery, String lastEventId)
            throws IOException, InterruptedException, ArmException {
        return openStream(pathAndQuery, lastEventId, "text/event-stream");
    }

    private java.io.InputStream openStream(String pathAndQuery, String lastEventId, String accept)
            throws IOException, InterruptedException, ArmException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(pathAndQuery)).GET().header("Accept", accept);
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the runcmd API at " + endpoint, e);
        }
        if (response.statusCode() >= 400) {
            byte[] body;
            try (java.io.InputStream in = response.body()) {
                body = in.readAllBytes();
            }
            JsonNode error = body.length == 0 ? JSON.nullNode() : parse(body).path("error");
            throw new ArmException(response.statusCode(), error.path("code").asText("HTTP" + response.statusCode()),
                    error.path("message").asText(new String(body, StandardCharsets.UTF_8)));
        }
        return response.body();
    }

    /** POST without a body; answers status and body. */
    public Answer post(String path) throws IOException, InterruptedException, ArmException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POST with a JSON body; answers status and body. */
    public Answer post(String path, JsonNode body) throws IOException, InterruptedException, ArmException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    /** A successful answer. */
    public record Answer(int status, JsonNode body) {
    }

    private Answer send(HttpRequest.Builder builder) throws IOException, InterruptedException, ArmException {
        HttpRequest request = builder.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the runcmd API at " + endpoint
                    + " (is `runcmd up` running? set --endpoint or RUNCMD_ENDPOINT)", e);
        }
        JsonNode body = response.body().length == 0 ? JSON.nullNode() : parse(response.body());
        if (response.statusCode() >= 400) {
            JsonNode error = body.path("error");
            throw new ArmException(response.statusCode(),
                    error.path("code").asText("HTTP" + response.statusCode()),
                    error.path("message").asText(new String(response.body(), StandardCharsets.UTF_8)));
        }
        return new Answer(response.statusCode(), body);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private URI uri(String path) {
        String separator = path.contains("?") ? "&" : "?";
        return URI.create(endpoint + path + separator + "api-version=" + API_VERSION);
    }

    /** A path segment, percent-encoded. */
    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
