package dev.runcmd.cli.http;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.Objects;
import java.util.UUID;

/**
 * How one CLI invocation reaches the control API: the base URL, the credential every request carries, the HTTP
 * client (its trust store), the correlation id every request carries as {@code x-ms-correlation-request-id}, and
 * where a trace of the requests goes ({@code --verbose}), or null.
 *
 * @param endpoint the REST API's base URL, without a trailing slash
 * @param credential what requests present
 * @param http the client, HTTP/1.1, trusting what {@link Transport} was told to trust
 * @param correlationId one UUID per invocation, so that the activity log groups its calls
 * @param trace where each request's method, URL, status and request id are printed, or null
 */
public record Connection(String endpoint, Credential credential, HttpClient http, String correlationId,
                         PrintStream trace) {

    public Connection {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(correlationId, "correlationId");
        endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    /** A connection with the JDK's trust store, a fresh correlation id and no trace. */
    public static Connection of(String endpoint, Credential credential) {
        return new Connection(endpoint, credential, Transport.httpClient(null), UUID.randomUUID().toString(), null);
    }
}
