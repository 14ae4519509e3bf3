package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.Main;
import dev.runcmd.cli.ScriptedServer;
import dev.runcmd.cli.ScriptedServer.Reply;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code auth token}: printing the credential, and creating, listing and revoking runcmd tokens. */
class AuthTokenCommandTest {

    private static final String TOKEN = "runcmd-pat.0123456789abcdef0123456789abcdef.secretsecretsecretsecretsecretsecretsecret0";

    @Test
    void authTokenPrintsTheCredentialAloneOnStdout() {
        CliRun run = CliRun.of("auth", "token", "--token", TOKEN);

        assertEquals(ExitCodes.OK, run.exitCode());
        assertEquals(TOKEN + "\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void authTokenWithoutACredentialExitsWithTheAuthCodeAndSaysHowToGetOne() {
        CliRun run = CliRun.of("auth", "token", "--endpoint", "https://control.example");

        assertEquals(ExitCodes.AUTH, run.exitCode());
        assertEquals("", run.out());
        assertEquals("runcmd: no credential for https://control.example. " + ErrorReport.HOW_TO_GET_ONE + "\n", run.err());
    }

    @Test
    void createAsksForTheRoleAtTheSubscriptionForThirtyDaysByDefault() {
        AuthTokenCommand.Create create = parse("auth", "token", "create", "--role", "Reader", "--subscription", "s1");

        assertEquals("{\"properties\":{\"displayName\":\"runcmd-cli-20260301-120000\",\"roleName\":\"Reader\","
                + "\"scope\":\"/subscriptions/s1\",\"expiresInSeconds\":2592000}}",
                create.body(Instant.parse("2026-03-01T12:00:00.5Z")).toString());
    }

    @Test
    void createSendsTheGivenNameScopeAndLifetime() {
        AuthTokenCommand.Create create = parse("auth", "token", "create", "--role", "Run Command Operator",
                "--scope", "/subscriptions/s1/resourceGroups/prod", "--expires-in", "365d", "--name", "ci-deploy");

        assertEquals("{\"properties\":{\"displayName\":\"ci-deploy\",\"roleName\":\"Run Command Operator\","
                + "\"scope\":\"/subscriptions/s1/resourceGroups/prod\",\"expiresInSeconds\":31536000}}",
                create.body(Instant.EPOCH).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            366d  | '366d' is longer than a token may live: at most 365d (a year)
            0     | '0' is no lifetime: a token must live at least a second
            1y    | '1y' is not a duration: use a whole number of seconds, or a number followed by s, m, h or d (90, 30m, 1h, 2d)
            """)
    void aLifetimeBeyondAYearOrOfNothingIsAUsageError(String value, String message) {
        CliRun run = CliRun.of("auth", "token", "create", "--role", "Reader", "--expires-in", value);

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--expires-in': " + message + "\n"), run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"subscriptions/s1", "/subscriptions/s1/resourceGroups"})
    void aScopeOfNoKnownFormIsAUsageError(String scope) {
        CliRun run = CliRun.of("auth", "token", "create", "--role", "Reader", "--scope", scope);

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Invalid value for option '--scope': '" + scope + "' is not a scope"), run.err());
    }

    @Test
    void createPrintsTheTokenAloneAndWhatItAllowsOnStderr() throws Exception {
        try (ScriptedServer api = ScriptedServer.start()) {
            api.on("POST", "/providers/runcmd.Authorization/tokens", Reply.json(201, "{\"id\":\"/providers/runcmd"
                    + ".Authorization/tokens/t1\",\"name\":\"t1\",\"type\":\"runcmd.Authorization/tokens\",\"properties\":"
                    + "{\"displayName\":\"ci\",\"principalId\":\"p-1\",\"roleName\":\"Reader\",\"scope\":\"/subscriptions/s1\","
                    + "\"expiresAt\":\"2026-04-01T00:00:00Z\",\"token\":\"" + TOKEN + "\"}}"));

            CliRun run = CliRun.of("auth", "token", "create", "--endpoint", api.url(), "--token", "owner", "--role",
                    "Reader", "--name", "ci");

            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            assertEquals(TOKEN + "\n", run.out());
            assertEquals("runcmd: token t1 ('ci') holds Reader at /subscriptions/s1 until 2026-04-01T00:00:00Z; its "
                    + "principal id is p-1. It is shown only this once.\n", run.err());
            assertEquals("api-version=2024-11-10-preview", api.requests().get(0).query());
        }
    }

    @Test
    void listShowsIdNameRoleScopeExpiryAndRevocation() throws Exception {
        try (ScriptedServer api = ScriptedServer.start()) {
            api.on("GET", "/providers/runcmd.Authorization/tokens", Reply.json(200, "{\"value\":[{\"name\":\"t1\","
                    + "\"properties\":{\"displayName\":\"ci\",\"roleName\":\"Reader\",\"scope\":\"/subscriptions/s1\","
                    + "\"expiresAt\":\"2026-04-01T00:00:00Z\",\"revokedAt\":\"2026-03-02T00:00:00Z\"}}]}"));

            CliRun run = CliRun.of("auth", "token", "list", "--endpoint", api.url(), "--token", "owner");

            assertEquals("""
                    ID  NAME  ROLE    SCOPE              EXPIRES               REVOKED
                    t1  ci    Reader  /subscriptions/s1  2026-04-01T00:00:00Z  2026-03-02T00:00:00Z
                    """, run.out());
        }
    }

    @Test
    void revokeDeletesTheTokenByIdOrFullId() throws Exception {
        try (ScriptedServer api = ScriptedServer.start()) {
            api.on("DELETE", "/providers/runcmd.Authorization/tokens/t1", new Reply(200, java.util.Map.of(), ""));
            api.on("DELETE", "/providers/runcmd.Authorization/tokens/t2", new Reply(204, java.util.Map.of(), ""));

            CliRun revoked = CliRun.of("auth", "token", "revoke", "--endpoint", api.url(), "--token", "owner",
                    "/providers/runcmd.Authorization/tokens/t1");
            CliRun absent = CliRun.of("auth", "token", "revoke", "--endpoint", api.url(), "--token", "owner", "t2");

            assertEquals("runcmd: revoked token 't1'\n", revoked.err());
            assertEquals("runcmd: no token 't2'; nothing to revoke\n", absent.err());
            assertEquals(ExitCodes.OK, absent.exitCode());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T parse(String... args) {
        CommandLine.ParseResult result = new CommandLine(new Main()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }
}
