package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server joins as its administrator joins it with the packaged agent: {@code runcmd-agent connect} with a join token
 * from a file writes the identity and the config file, {@code show} tells what it is, {@code check} passes against the
 * live gateway and fails (exit 1, the reason in one line) against a dead address, and the agent started with nothing
 * but that config file comes online and runs a command.
 */
class AgentConnectEndToEndTest {
    private static Stack stack;

    @TempDir
    Path dir;

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
    }

    @Test
    void connectShowCheckThenTheConfiguredAgentRunsCommands() throws Exception {
        String machine = "e2e-connected";
        String token = stack.local().joinToken(new AgentIdentity(Stack.SUBSCRIPTION, Stack.RESOURCE_GROUP, machine));
        Path tokenFile = Files.writeString(dir.resolve("token.txt"), token + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Path config = dir.resolve("etc/agent.properties");
        Path workDir = dir.resolve("work");
        String gateway = "127.0.0.1:" + stack.gatewayPort();

        Run connect = agent("connect", "--join-token", "@" + tokenFile, "--gateway", gateway,
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP,
                "--machine-name", machine, "--tags", "env=e2e,role=web", "--work-dir", workDir.toString(),
                "--config", config.toString(), "--no-start");
        assertEquals(0, connect.exitCode(), connect.toString());
        assertTrue(connect.stdout().contains("Connected machine " + Stack.SUBSCRIPTION + "/" + Stack.RESOURCE_GROUP
                + "/" + machine), connect.stdout());
        assertTrue(connect.stdout().contains("/subscriptions/" + Stack.SUBSCRIPTION + "/resourceGroups/"
                + Stack.RESOURCE_GROUP + "/providers/Microsoft.HybridCompute/machines/" + machine), connect.stdout());
        assertTrue(Files.exists(workDir.resolve("identity/cert.pem")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        String written = Files.readString(config);
        assertTrue(written.contains("gateway = " + gateway + "\n"), written);
        assertTrue(written.contains("machine-name = " + machine + "\n"), written);
        assertTrue(written.contains("tags = env=e2e,role=web\n"), written);
        String secret = token.substring(token.lastIndexOf('.') + 1);
        assertFalse(written.contains(secret), "the join token is never written to the config file");
        assertFalse(connect.stdout().contains(secret) || connect.stderr().contains(secret));

        Run show = agent("show", "-o", "json", "--config", config.toString());
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.stdout().contains("\"status\": \"enrolled\""), show.stdout());
        assertTrue(show.stdout().contains("\"machineName\": \"" + machine + "\""), show.stdout());
        assertTrue(show.stdout().contains("\"" + gateway + "\""), show.stdout());
        assertTrue(show.stdout().contains("\"role\": \"web\""), show.stdout());

        Run check = agent("check", "--config", config.toString());
        assertEquals(0, check.exitCode(), check.toString());
        assertTrue(check.stdout().contains("ok     gateway " + gateway + ": resolved 127.0.0.1"), check.stdout());
        assertTrue(check.stdout().contains("AgentService.Connect accepted"), check.stdout());

        String dead = "127.0.0.1:" + freePort();
        Run deadCheck = agent("check", "--config", config.toString(), "--gateway", dead);
        assertEquals(1, deadCheck.exitCode(), deadCheck.toString());
        assertTrue(deadCheck.stdout().contains("FAILED gateway " + dead + ": TCP connect to " + dead
                + " failed: Connection refused"), deadCheck.stdout());

        Run spent = agent("connect", "--join-token", "@" + tokenFile, "--gateway", gateway,
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP,
                "--machine-name", "e2e-connected-copy", "--work-dir", dir.resolve("copy").toString(),
                "--config", dir.resolve("copy.properties").toString(), "--no-start");
        assertEquals(1, spent.exitCode(), spent.toString());
        assertEquals(1, spent.stderr().strip().lines().count(), spent.stderr());
        assertTrue(spent.stderr().startsWith("runcmd-agent: enrollment refused by gateway " + gateway
                + ": UNAUTHENTICATED: join token"), spent.stderr());

        ComponentProcess daemon = new ComponentProcess("agent " + machine, List.of(Artifacts.javaExecutable(),
                "-jar", agentJar(), "run"), Map.of("RUNCMD_AGENT_CONFIG", config.toString()),
                dir.resolve("agent.log")).start();
        try {
            Waits.until(Duration.ofSeconds(60), machine + " to connect", () -> "Connected".equals(
                    stack.api().get(stack.api().machine(machine)).json().path("properties").path("status").asText()));
            Api.Answer put = stack.api().put(stack.api().runCommand(machine, "hello"),
                    RunCommands.body("echo connected by runcmd-agent").toString());
            assertEquals(201, put.status(), put.text());
            JsonNode done = RunCommands.awaitTerminal(stack.api(), machine, "hello", Duration.ofSeconds(60));
            assertEquals("Succeeded", RunCommands.instanceView(done).path("executionState").asText(), done.toString());
            assertEquals("connected by runcmd-agent\n", RunCommands.instanceView(done).path("output").asText());
        } finally {
            daemon.stop(Duration.ofSeconds(10));
        }
    }

    /** A finished agent subcommand. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private Run agent(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "agent-", ".out");
        Path err = Files.createTempFile(dir, "agent-", ".err");
        List<String> command = new ArrayList<>(List.of(Artifacts.javaExecutable(), "-jar", agentJar()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("RUNCMD_"));
        Process process = builder.start();
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "runcmd-agent " + String.join(" ", args) + " did not end");
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String agentJar() throws IOException {
        return Artifacts.locate(System.getenv()).agentJar().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
