package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.ComponentProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A machine joins as an operator joins it, and leaves as an operator deletes it: a join token from the CLI, an agent
 * started with it (in its environment) that enrolls over TLS and runs commands; the spent token refused to a second
 * agent; `runcmd machine delete` ending the machine's running work Failed and cutting its agent off for good.
 */
class IdentityEndToEndTest {

    private static Stack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = Stack.get();
    }

    @Test
    void aMachineEnrollsWithATokenRunsCommandsAndIsRevokedByDelete() throws Exception {
        String machine = "e2e-joined";
        CliRun created = runcmd("machine", "join-token", "create", "--machine-name", machine, "--expires-in", "10m");
        assertEquals(0, created.exitCode(), created.toString());
        String token = created.stdout().strip();
        assertTrue(token.startsWith("runcmd1."), created.stdout());
        assertFalse(created.stderr().contains(token), "the token is printed once, on stdout only");

        AgentIdentity identity = new AgentIdentity(Stack.SUBSCRIPTION, Stack.RESOURCE_GROUP, machine);
        ComponentProcess agent = stack.local().startAgentWithToken(identity, stack.gatewayPort(), token);
        try {
            Waits.until(Duration.ofSeconds(60), machine + " to connect", () -> "Connected".equals(
                    stack.api().get(stack.api().machine(machine)).json().path("properties").path("status").asText()));
            Path identityDir = stack.local().agentWorkDir(identity).resolve("identity");
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(identityDir.resolve("key.pem"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identityDir)));

            Api.Answer put = stack.api().put(stack.api().runCommand(machine, "hello"),
                    RunCommands.body("echo enrolled").toString());
            assertEquals(201, put.status(), put.text());
            JsonNode done = RunCommands.awaitTerminal(stack.api(), machine, "hello", Duration.ofSeconds(60));
            assertEquals("Succeeded", RunCommands.instanceView(done).path("executionState").asText(), done.toString());

            // The token was for one use: a second machine cannot take it.
            ComponentProcess second = stack.local().startAgentWithToken(
                    new AgentIdentity(Stack.SUBSCRIPTION, Stack.RESOURCE_GROUP, "e2e-copycat"), stack.gatewayPort(),
                    token);
            Waits.until(Duration.ofSeconds(60), "the second agent to give up", () -> !second.isAlive());
            assertTrue(second.exitCode() != 0);
            assertTrue(second.logTail(50).contains("join token"), second.logTail(50));
            assertEquals(404, stack.api().get(stack.api().machine("e2e-copycat")).status());

            // Deleting the machine revokes it: a follower of its running script sees it end Failed, saying why.
            Path followed = Files.createTempFile("runcmd-follow-", ".err");
            Process follow = start(followed, "run-command", "create", "--follow", "--machine-name", machine,
                    "--name", "long", "--script", "echo started; sleep 120");
            Waits.until(Duration.ofSeconds(60), "the long script to start", () -> RunCommands.instanceView(
                    stack.api().get(stack.api().runCommand(machine, "long")).json())
                    .path("output").asText().contains("started"));
            CliRun deleted = runcmd("machine", "delete", machine);
            assertEquals(0, deleted.exitCode(), deleted.toString());
            assertEquals(404, stack.api().get(stack.api().machine(machine)).status());
            assertTrue(follow.waitFor(30, TimeUnit.SECONDS), "the follower did not end after the delete");
            assertTrue(follow.exitValue() != 0);
            assertTrue(Files.readString(followed).contains("machine deleted: its identity was revoked"),
                    Files.readString(followed));
            Waits.until(Duration.ofSeconds(30), "the agent's session to be refused", () ->
                    agent.logTail(200).contains("PERMISSION_DENIED"));
            assertTrue(Files.readString(stack.local().logDir().resolve("agent-" + machine + ".log"))
                    .contains("PERMISSION_DENIED"));
        } finally {
            agent.stop(Duration.ofSeconds(10));
        }
    }

    /** A finished CLI run. */
    record CliRun(int exitCode, String stdout, String stderr) {
    }

    private static Process start(Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Artifacts.javaExecutable(), "-jar",
                Artifacts.locate(System.getenv()).cliJar().toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", "http://127.0.0.1:" + stack.apiPort(),
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP));
        return stack.cli(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
    }

    private static CliRun runcmd(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("runcmd-cli-", ".out");
        Path err = Files.createTempFile("runcmd-cli-", ".err");
        List<String> command = new ArrayList<>(List.of(Artifacts.javaExecutable(), "-jar",
                Artifacts.locate(System.getenv()).cliJar().toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint", "http://127.0.0.1:" + stack.apiPort(),
                "--subscription-id", Stack.SUBSCRIPTION, "--resource-group", Stack.RESOURCE_GROUP));
        Process process = stack.cli(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "runcmd " + String.join(" ", args) + " did not end");
        return new CliRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
