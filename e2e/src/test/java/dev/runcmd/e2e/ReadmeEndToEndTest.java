package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's own commands, read from README.md and run by a shell against {@code ./runcmd up}, as a user pastes
 * them: the CLI block of "Using it" and the curl block of "The REST API with curl", whose
 * {@code $(./runcmd auth token)} presents the owner token {@code up} created. The only change is the API's port
 * (the test's own free port instead of 8080), given to {@code up} and the CLI through their documented variables.
 */
class ReadmeEndToEndTest {

    private static final Path HOME = Path.of(System.getProperty("runcmd.home", "..")).toAbsolutePath().normalize();

    @Test
    void theReadmesCliAndCurlCommandsWorkAgainstRuncmdUp() throws Exception {
        String readme = Files.readString(HOME.resolve("README.md"));
        String cli = block(readme, "In another terminal:");
        String curl = block(readme, "### The REST API with curl");
        Path dataDir = Files.createTempDirectory("runcmd-readme-");
        int apiPort = Ports.free();
        Map<String, String> environment = Map.of(
                "RUNCMD_DATA_DIR", dataDir.toString(),
                "RUNCMD_API_PORT", Integer.toString(apiPort),
                "RUNCMD_API_MANAGEMENT_PORT", Integer.toString(Ports.free()),
                "RUNCMD_GATEWAY_PORT", Integer.toString(Ports.free()),
                "RUNCMD_GATEWAY_HTTP_PORT", Integer.toString(Ports.free()),
                "RUNCMD_DB_PORT", Integer.toString(Ports.free()),
                "RUNCMD_ENDPOINT", "http://127.0.0.1:" + apiPort);
        Path upLog = dataDir.resolve("up.out");
        ProcessBuilder upCommand = new ProcessBuilder("./runcmd", "up").directory(HOME.toFile())
                .redirectErrorStream(true).redirectOutput(upLog.toFile());
        upCommand.environment().putAll(environment);
        Process up = upCommand.start();
        try {
            Waits.until(Duration.ofSeconds(120), "runcmd up to be ready",
                    () -> read(upLog).contains("Press Ctrl-C to stop.") || !up.isAlive());
            assertTrue(up.isAlive(), "runcmd up died:\n" + read(upLog));

            Run cliRun = shell(cli, environment, dataDir.resolve("cli.out"));
            assertTrue(cliRun.output().contains("hello from "), cliRun.output());
            assertTrue(cliRun.output().contains("exit code: 3"), cliRun.output());
            assertTrue(!cliRun.output().contains("401") && !cliRun.output().contains("AuthenticationFailed"),
                    cliRun.output());

            Run curlRun = shell(curl.replace("http://127.0.0.1:8080", "http://127.0.0.1:" + apiPort), environment,
                    dataDir.resolve("curl.out"));
            assertEquals(0, curlRun.exitCode(), curlRun.output());
            assertTrue(curlRun.output().contains("\"provisioningState\""), curlRun.output());
            assertTrue(!curlRun.output().contains("never-returned"), "a protected value came back:\n" + curlRun.output());
            assertTrue(!curlRun.output().contains("AuthenticationFailed"), curlRun.output());

            Run anonymous = shell("curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:" + apiPort
                    + "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/"
                    + "Microsoft.HybridCompute/machines?api-version=2024-11-10-preview'", environment,
                    dataDir.resolve("anonymous.out"));
            assertEquals("401", anonymous.output().strip(), "the API refuses a call without a token");
        } finally {
            up.destroy();
            if (!up.waitFor(20, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
        }
    }

    /** The first {@code ```sh} block after {@code heading}. */
    private static String block(String readme, String heading) {
        int at = readme.indexOf(heading);
        assertTrue(at >= 0, "README has no '" + heading + "'");
        int start = readme.indexOf("```sh\n", at) + "```sh\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    private record Run(int exitCode, String output) {
    }

    private static Run shell(String script, Map<String, String> environment, Path output)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", "-c", script)).directory(HOME.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the README's commands did not end:\n" + read(output));
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
