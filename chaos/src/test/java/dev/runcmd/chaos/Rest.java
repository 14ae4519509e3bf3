package dev.runcmd.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.cli.http.ArmClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few REST calls the suite makes, each bounded by a timeout. A call that fails at the transport
 * (the control API is down or restarting) answers status 0 instead of throwing: the suite counts
 * such a request as not accepted.
 */
final class Rest {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final String endpoint;
    private final ArmClient paths;
    private final String resourceGroup;

    private final String token;

    /** A client calling as {@code token}. */
    Rest(String endpoint, String subscriptionId, String resourceGroup, String token) {
        this.token = token;
        this.endpoint = endpoint;
        this.paths = new ArmClient(endpoint, subscriptionId, resourceGroup);
        this.resourceGroup = resourceGroup;
    }

    /** An answer: HTTP status (0 when there was none) and body. */
    record Answer(int status, byte[] body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, java.nio.charset.StandardCharsets.UTF_8), e);
            }
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    String runCommand(String machine, String name) {
        return paths.runCommandPath(machine, name);
    }

    String runCommandJob(String name) {
        return paths.subscriptionPath() + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/runCommandJobs/" + name;
    }

    String machine(String machine) {
        return paths.machinePath(machine);
    }

    Answer put(String path, JsonNode body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        String separator = path.contains("?") ? "&" : "?";
        return HttpRequest.newBuilder(URI.create(endpoint + path + separator + "api-version=" + ArmClient.API_VERSION))
                .header("Authorization", "Bearer " + token).timeout(TIMEOUT);
    }

    private Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(0, e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, new byte[0]);
        }
    }
}
