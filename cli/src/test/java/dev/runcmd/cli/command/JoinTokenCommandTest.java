package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The join token and machine delete commands as picocli reads them: the request a create sends, the durations
 * {@code --expires-in} takes, and usage errors (exit code 2) that never reach the API.
 */
class JoinTokenCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            90,  90
            45s, 45
            30m, 1800
            1h,  3600
            2d,  172800
            """)
    void expiresInTakesSecondsOrAUnit(String text, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), Durations.parse(text));
    }

    @Test
    void createSendsOnlyWhatWasGiven() {
        JoinTokenCommand.Create create = parse("machine", "join-token", "create", "-g", "prod",
                "--subscription", "sub-1", "--machine-name", "web-1", "--expires-in", "2d", "--uses", "5");

        assertEquals("{\"properties\":{\"machineName\":\"web-1\",\"expiresInSeconds\":172800,\"uses\":5}}",
                create.body().toString());
        assertEquals("sub-1", create.options.subscriptionId);
        assertEquals("prod", create.options.resourceGroup);
        assertEquals("{\"properties\":{}}",
                this.<JoinTokenCommand.Create>parse("machine", "join-token", "create").body().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1w", "-5m", "1.5h", "h", ""})
    void badExpiresInIsAUsageError(String value) {
        StringWriter err = new StringWriter();
        int code = run(err, "machine", "join-token", "create", "--expires-in", value);

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("is not a duration: use a whole number of seconds, or a number followed "
                + "by s, m, h or d (90, 30m, 1h, 2d)"), err.toString());
    }

    @Test
    void deletesNeedTheirName() {
        StringWriter err = new StringWriter();
        assertEquals(ExitCodes.USAGE, run(err, "machine", "delete"));
        assertTrue(err.toString().contains("Missing required parameter: 'NAME'"), err.toString());
        assertEquals(ExitCodes.USAGE, run(new StringWriter(), "machine", "join-token", "delete"));
    }

    @SuppressWarnings("unchecked")
    private <T> T parse(String... args) {
        CommandLine.ParseResult result = new CommandLine(new Main()).parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }
}
