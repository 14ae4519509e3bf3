package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a refused command prints and exits with, run against a scripted API: the ARM error, the request and
 * correlation ids, where the credential came from (never the credential) and, after a 401, how to get one; an API
 * nobody listens at, by its address.
 */
class ErrorReportTest {

    private static final String TOKEN = "runcmd-pat.0123456789abcdef0123456789abcdef.secretsecretsecretsecretsecretsecretsecret0";
    private static final String MACHINES = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local"
            + "/providers/Microsoft.HybridCompute/machines";

    private ScriptedServer api;

    @BeforeEach
    void start() throws Exception {
        api = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aRefusedCredentialIsReportedWithTheRequestIdAndHowToGetOne() {
        api.on("GET", MACHINES, new Reply(401, Map.of("Content-Type", "application/json", "x-ms-request-id", "req-1",
                "x-ms-correlation-request-id", "corr-1", "WWW-Authenticate", "Bearer error=\"invalid_token\""),
                "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"The runcmd token is unknown or revoked.\"}}"));

        CliRun run = CliRun.of("machine", "list", "--endpoint", api.url(), "--token", TOKEN);

        assertEquals(ExitCodes.AUTH, run.exitCode());
        assertEquals("""
                runcmd: InvalidAuthenticationToken (HTTP 401): The runcmd token is unknown or revoked.
                runcmd: request id req-1, correlation id corr-1
                runcmd: the credential sent came from --token.
                runcmd: Get a credential: `runcmd up` creates the local stack's owner token (<data dir>/owner.token, \
                which the CLI finds; data dir: RUNCMD_DATA_DIR, default ~/.runcmd/local); `runcmd login` signs in to a \
                remote install; or give a token with --token or RUNCMD_TOKEN.
                """, run.err());
        assertEquals("", run.out());
        assertFalse(run.err().contains(TOKEN.substring(TOKEN.lastIndexOf('.'))));
    }

    @Test
    void nothingEverListeningIsReportedWithTheAddressAfterEveryAttempt() throws Exception {
        String endpoint = "http://127.0.0.1:" + ScriptedServer.freePort();

        CliRun run = CliRun.of("machine", "list", "--endpoint", endpoint, "--token", TOKEN, "--verbose");

        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertTrue(run.err().endsWith("runcmd: cannot reach the runcmd API at " + endpoint + " (is `runcmd up` "
                + "running? set --endpoint or RUNCMD_ENDPOINT)\n"), run.err());
        assertTrue(run.err().contains("ConnectException") && run.err().contains("; retry 4 of 4 in "),
                "every attempt was made: " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void aRefusedActionIsReportedWithTheRequestId() {
        api.on("GET", MACHINES, new Reply(403, Map.of("Content-Type", "application/json", "x-ms-request-id", "req-2"),
                "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client 'ci' with object id 'p1' does not "
                        + "have authorization to perform action 'Microsoft.HybridCompute/machines/read' over scope "
                        + "'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local'.\"}}"));

        CliRun run = CliRun.of("machine", "list", "--endpoint", api.url(), "--token", TOKEN, "--verbose");

        assertEquals(ExitCodes.AUTH, run.exitCode());
        String[] lines = run.err().split("\n");
        assertEquals(4, lines.length, run.err());
        assertEquals("runcmd: GET " + api.url() + MACHINES + "?api-version=2024-11-10-preview -> 403", lines[0].substring(0,
                lines[0].indexOf(" in ")));
        assertEquals("runcmd: AuthorizationFailed (HTTP 403): The client 'ci' with object id 'p1' does not have "
                + "authorization to perform action 'Microsoft.HybridCompute/machines/read' over scope "
                + "'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local'.", lines[1]);
        assertEquals("runcmd: request id req-2, correlation id " + api.requests().get(0).header("x-ms-correlation-request-id"),
                lines[2]);
        assertEquals("runcmd: the credential sent came from --token; an Owner of the scope can grant it a role: "
                + "`runcmd role assignment create --role ROLE --assignee PRINCIPAL_ID --scope SCOPE`.", lines[3]);
        assertFalse(run.err().contains(TOKEN.substring(TOKEN.lastIndexOf('.'))));
    }

    @Test
    void otherApiErrorsExitWithOneAndShowTheRequestId() {
        api.on("GET", MACHINES + "/web-1", new Reply(404, Map.of("Content-Type", "application/json", "x-ms-request-id", "req-3"),
                "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"The machine 'web-1' was not found.\"}}"));

        CliRun run = CliRun.of("machine", "show", "--name", "web-1", "--endpoint", api.url(), "--token", TOKEN);

        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals("runcmd: ResourceNotFound (HTTP 404): The machine 'web-1' was not found.\n"
                + "runcmd: request id req-3, correlation id " + api.requests().get(0).header("x-ms-correlation-request-id")
                + "\n", run.err());
    }
}
