package dev.runcmd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A raw client of the REST API for tests: answers status, headers and body, never throws on 4xx. */
final class Api {

    static final String API_VERSION = "2024-11-10-preview";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String endpoint;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String token;

    /** A client calling as {@code token} (a runcmd token or an OIDC access token; null: no credential). */
    Api(String endpoint, String subscriptionId, String resourceGroup, String token) {
        this.token = token;
        this.endpoint = endpoint;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
    }

    /** An answer of the API. */
    record Answer(int status, String text, HttpResponse<byte[]> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + text, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }
    }

    String machines() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/machines";
    }

    String machine(String machine) {
        return machines() + "/" + machine;
    }

    String runCommands(String machine) {
        return machine(machine) + "/runCommands";
    }

    String runCommand(String machine, String name) {
        return runCommands(machine) + "/" + name;
    }

    String runCommandJob(String name) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/runCommandJobs/" + name;
    }

    /** Adds the api-version to a path. */
    static String versioned(String path) {
        return path + (path.contains("?") ? "&" : "?") + "api-version=" + API_VERSION;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(versioned(path))).GET());
    }

    Answer put(String path, String body) {
        return send(HttpRequest.newBuilder(uri(versioned(path)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(versioned(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** GETs an absolute URL the API handed out (a nextLink) as it is. */
    Answer follow(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(uri(versioned(path))).DELETE());
    }

    /** Sends exactly what it is given: no api-version is added. */
    Answer raw(String method, String pathAndQuery, byte[] body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", "application/json")
                .method(method, publisher));
    }

    private URI uri(String pathAndQuery) {
        return URI.create(endpoint + pathAndQuery);
    }

    /** The same client calling as {@code other}. */
    Api as(String other) {
        return new Api(endpoint, subscriptionId, resourceGroup, other);
    }

    private Answer send(HttpRequest.Builder builder) {
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(builder.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
