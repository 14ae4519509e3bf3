package dev.runcmd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runcmd.proto.agent.v1.AgentMessage;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a {@link FakeGateway} on an in-process server (direct executor) and a real {@link Agent}
 * connected to it over an in-process channel, with a fresh work dir per test; tears both down
 * after each test. Scripts are real /bin/sh processes.
 */
abstract class AgentTestSupport {
    /** Upper bound for anything that should happen promptly. */
    static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path workDir;
    FakeGateway gateway;
    Agent agent;
    private Server server;
    private String serverName;

    @BeforeEach
    void startGateway() throws IOException {
        gateway = new FakeGateway();
        serverName = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(serverName).directExecutor().addService(gateway).build().start();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Starts an agent with the test's work dir, machine "test-machine", stop mode cancel (so that no
     * test leaves a script running behind it) and any extra flags (which win).
     */
    Agent startAgent(String... extraArgs) throws Exception {
        return startAgentOn(List.of(channel()), extraArgs);
    }

    /** Starts an agent like {@link #startAgent} that tries {@code channels} in turn. */
    Agent startAgentOn(List<ManagedChannel> channels, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--work-dir", workDir.toString(), "--machine-name", "test-machine",
                "--subscription-id", "sub-1", "--resource-group", "rg-1", "--stop-mode", "cancel"));
        args.addAll(List.of(extraArgs));
        AgentConfig config = AgentConfig.from(java.util.Map.of(), args.toArray(String[]::new));
        agent = new Agent(channels, config);
        agent.start();
        return agent;
    }

    /** A new in-process channel to the test's gateway. */
    ManagedChannel channel() {
        return InProcessChannelBuilder.forName(serverName).build();
    }

    /** Stops the test's gateway at once, as a crashed gateway would go. */
    void shutdownGateway() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Starts an agent and waits until its Hello arrived. */
    Agent startAgentAndAwaitHello(String... extraArgs) throws Exception {
        Agent started = startAgent(extraArgs);
        gateway.await(AgentMessage::hasHello, PROMPTLY);
        return started;
    }

    /** Waits until {@code condition} holds, polling every 20 ms, at most {@code timeout}. */
    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The pids of running (non-zombie) processes whose process group is {@code pgid}. */
    static List<Long> livingGroupMembers(long pgid) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                String[] stat = statAfterName(proc);
                if (stat != null && !stat[0].equals("Z") && Long.parseLong(stat[2]) == pgid) {
                    pids.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        }
        return pids;
    }

    /** {@link #livingGroupMembers} for use in lambdas. */
    static List<Long> livingGroupMembersUnchecked(long pgid) {
        try {
            return livingGroupMembers(pgid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True while {@code pid} exists and is not a zombie. */
    static boolean isRunning(long pid) {
        String[] stat = statAfterName(Path.of("/proc", Long.toString(pid)));
        return stat != null && !stat[0].equals("Z");
    }

    /** Fields of /proc/PID/stat after "(comm)": state, ppid, pgrp, session, ...; null if gone. */
    static String[] statAfterName(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** Asserts the Exited of {@code id}'s state and exit code, and returns it. */
    static AgentMessage assertExited(AgentMessage exited, dev.runcmd.proto.agent.v1.ExitState state, int code) {
        assertEquals(state, exited.getExited().getState(), exited.toString());
        assertEquals(code, exited.getExited().getExitCode(), exited.toString());
        return exited;
    }
}
