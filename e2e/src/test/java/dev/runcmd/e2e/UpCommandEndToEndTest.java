package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code runcmd up} as a user runs it: it starts everything, runs a command, and on SIGINT or
 * SIGTERM stops all of it within 10 s, leaving no process behind (not even the running script).
 */
class UpCommandEndToEndTest {

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void upStopsEverythingOnSignalWithin10Seconds(String signal) throws Exception {
        Path dataDir = Files.createTempDirectory("runcmd-up-");
        Path log = dataDir.resolve("up.out");
        int apiPort = Ports.free();
        String marker = "sleep 39" + (signal.equals("INT") ? "01" : "02");
        Artifacts artifacts = Artifacts.locate(System.getenv());
        Process up = new ProcessBuilder(List.of(Artifacts.javaExecutable(), "-jar", artifacts.cliJar().toString(), "up",
                "--api-port", Integer.toString(apiPort), "--api-management-port", Integer.toString(Ports.free()),
                "--gateway-port", Integer.toString(Ports.free()),
                "--gateway-http-port", Integer.toString(Ports.free()), "--db-port", Integer.toString(Ports.free()),
                "--data-dir", dataDir.toString(), "--machine-name", "up-" + signal.toLowerCase(),
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", "up"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            Waits.until(Duration.ofSeconds(120), "runcmd up to be ready",
                    () -> read(log).contains("Press Ctrl-C to stop.") || !up.isAlive());
            assertTrue(up.isAlive(), "runcmd up died:\n" + read(log));
            Api api = new Api("http://127.0.0.1:" + apiPort, Stack.SUBSCRIPTION, "up",
                    Files.readString(dataDir.resolve("owner.token")).strip());
            String machine = "up-" + signal.toLowerCase();
            assertEquals(201, api.put(api.runCommand(machine, "lingering"), RunCommands.body(marker).toString()).status());
            Waits.until(Duration.ofSeconds(30), "the script to start", () -> RunCommands.processRunning(marker));

            List<ProcessHandle> started = new java.util.ArrayList<>(up.descendants().toList());
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(line -> line.contains(dataDir.toString())).orElse(false))
                    .forEach(started::add);
            assertTrue(started.size() >= 4, "expected database, control API, gateway and agent; saw " + started.size());
            new ProcessBuilder("kill", "-" + signal, Long.toString(up.pid())).start().waitFor(5, TimeUnit.SECONDS);

            assertTrue(up.waitFor(10, TimeUnit.SECONDS), "runcmd up still running 10 s after SIG" + signal);
            assertFalse(RunCommands.processRunning(marker), "the running script survived runcmd up");
            Waits.until(Duration.ofSeconds(2), "children to be reaped",
                    () -> started.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            up.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
