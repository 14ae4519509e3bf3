package dev.runcmd.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every request carries (credential, correlation id), and what a refused one reports. */
class ArmClientTest {

    private static final String TOKEN = "runcmd-pat.0123456789abcdef0123456789abcdef.secretsecretsecretsecretsecretsecretsecret0";
    private static final String MACHINES = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines";

    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyRequestCarriesTheBearerTokenAndOneCorrelationId() throws Exception {
        server.on("GET", MACHINES, Reply.json(200, "{\"value\":[]}"));
        server.on("GET", MACHINES + "/m1/runCommands/rc/output", new Reply(200, Map.of("Content-Type", "text/event-stream"), ""));
        ArmClient client = new ArmClient(server.url(), "s1", "rg", Credential.bearer(TOKEN, "test"));

        client.get(client.machinesPath());
        try (InputStream stream = client.openStream(client.runCommandPath("m1", "rc") + "/output?follow=true", null)) {
            stream.readAllBytes();
        }

        assertEquals(2, server.requests().size());
        for (ScriptedServer.Request request : server.requests()) {
            assertEquals("Bearer " + TOKEN, request.header("Authorization"));
            assertEquals(client.connection().correlationId(), request.header("x-ms-correlation-request-id"));
        }
        UUID.fromString(client.connection().correlationId());
    }

    @Test
    void withoutACredentialNoAuthorizationHeaderIsSent() throws Exception {
        server.on("GET", MACHINES, Reply.json(200, "{\"value\":[]}"));
        ArmClient client = new ArmClient(server.url(), "s1", "rg");

        client.get(client.machinesPath());

        assertNull(server.requests().get(0).header("Authorization"));
    }

    @Test
    void aRefusalCarriesCodeMessageRequestIdAndWhereTheCredentialCameFrom() {
        server.on("GET", MACHINES, new Reply(401, Map.of("Content-Type", "application/json", "x-ms-request-id", "req-42",
                "WWW-Authenticate", "Bearer error=\"invalid_token\""),
                "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"The token has expired.\"}}"));
        ArmClient client = new ArmClient(server.url(), "s1", "rg", Credential.bearer(TOKEN, "RUNCMD_TOKEN"));

        ArmException e = assertThrows(ArmException.class, () -> client.get(client.machinesPath()));

        assertEquals(401, e.status());
        assertEquals("InvalidAuthenticationToken", e.code());
        assertEquals("The token has expired.", e.getMessage());
        assertEquals("req-42", e.requestId());
        assertEquals(client.connection().correlationId(), e.correlationId());
        assertEquals("RUNCMD_TOKEN", e.credentialSource());
    }

    @Test
    void aBodilessRefusalTakesItsMessageFromTheChallenge() {
        server.on("GET", MACHINES, new Reply(401, Map.of("WWW-Authenticate",
                "Bearer realm=\"runcmd\", error=\"invalid_token\", error_description=\"The token is malformed\""), ""));
        ArmClient client = new ArmClient(server.url(), "s1", "rg");

        ArmException e = assertThrows(ArmException.class, () -> client.get(client.machinesPath()));

        assertEquals("HTTP401", e.code());
        assertEquals("The token is malformed", e.getMessage());
        assertNull(e.credentialSource());
    }

    @Test
    void theTraceNamesTheCredentialsSourceButNeverTheToken() throws Exception {
        server.on("GET", MACHINES, new Reply(200, Map.of("x-ms-request-id", "req-7"), "{\"value\":[]}"));
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        Connection connection = new Connection(server.url(), Credential.bearer(TOKEN, "--token"), Transport.httpClient(null),
                "corr-1", new PrintStream(trace, true, StandardCharsets.UTF_8));
        ArmClient client = new ArmClient(connection, "s1", "rg");

        client.get(client.machinesPath());

        String line = trace.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("runcmd: GET " + server.url() + MACHINES + "?api-version=" + ArmClient.API_VERSION
                + " -> 200 in "), line);
        assertTrue(line.contains("request id req-7, credential: --token"), line);
        assertFalse(line.contains(TOKEN.substring(TOKEN.lastIndexOf('.'))), line);
    }

    @Test
    void aNextLinkToAnotherOriginIsNotFollowedWithTheCredential() {
        ArmClient client = new ArmClient(server.url(), "s1", "rg", Credential.bearer(TOKEN, "test"));

        IOException e = assertThrows(IOException.class,
                () -> client.getNextLink("https://elsewhere.example/subscriptions/s1/x?page=2"));

        assertEquals("the server's nextLink points at https://elsewhere.example:443, not at " + server.url()
                + "; not following it with your credential", e.getMessage());
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void aNextLinkIsFollowedAsWritten() throws Exception {
        server.on("GET", "/subscriptions/s1/page", Reply.json(200, "{\"value\":[1]}"));
        ArmClient client = new ArmClient(server.url(), "s1", "rg", Credential.bearer(TOKEN, "test"));

        assertEquals("[1]", client.getNextLink(server.url() + "/subscriptions/s1/page?api-version=x&$skiptoken=abc")
                .path("value").toString());
        assertEquals("api-version=x&$skiptoken=abc", server.requests().get(0).query());
        assertEquals("Bearer " + TOKEN, server.requests().get(0).header("Authorization"));
    }
}
