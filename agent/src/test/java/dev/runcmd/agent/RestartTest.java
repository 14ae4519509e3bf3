package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.cancel;
import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.OutputStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent is killed with SIGKILL (a child JVM) while a script runs, and a new agent with the same
 * work dir takes over: a running script is reattached, a finished one reports its real exit code, a
 * lost one is reported FAILED with exit code -1; every byte arrives, and no script runs twice. A
 * SIGTERM stops the agent cleanly: by default (detach) the script runs on and the next agent takes it
 * over; in cancel mode the script is ended and reported CANCELED "agent stopped".
 */
class RestartTest {
    private static final Duration PROMPTLY = AgentTestSupport.PROMPTLY;
    private static final String MACHINE = "restart-test";
    private static final Duration AGENT_START = Duration.ofSeconds(20);
    /** Bound on a clean stop: about a second of flush, a 2 s grace in cancel mode, the channel's close. */
    private static final Duration STOP = Duration.ofSeconds(8);

    @TempDir
    Path workDir;
    @TempDir
    Path scratch;
    private FakeGateway gateway;
    private Server server;
    private Process agent;
    private int agents;
    private HttpServer blobServer;
    private final Map<String, ByteArrayOutputStream> blobs = new HashMap<>(); // guarded by itself
    private final Map<String, Integer> creations = new HashMap<>(); // guarded by blobs

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway();
        gateway.acknowledgeWhatArrives();
        TestPki pki = new TestPki();
        server = pki.startGateway(gateway, new PeerCertificates());
        pki.storeIdentity(workDir.resolve("identity"), MACHINE, Duration.ofHours(1));
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (blobServer != null) {
            blobServer.stop(0);
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void runningScriptIsReattachedAndEveryByteArrivesOnce() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("x-run", once("x-run") + "i=0; while [ $i -lt 300 ]; do echo \"line $i\"; "
                + "i=$((i+1)); sleep 0.01; done; exit 7")));
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().contains("line 5"), PROMPTLY);

        killAgent();
        AgentMessage hello = startAgentAndAwaitHello();
        AgentMessage exited = gateway.awaitExited("x-run", Duration.ofSeconds(15));

        assertEquals(List.of(HeldExecution.newBuilder().setExecutionId("x-run").setRunning(true).build()),
                hello.getHello().getHeldList(), "the new agent found the script still running");
        AgentTestSupport.assertExited(exited, ExitState.FAILED, 7);
        assertEquals(expectedLines(300), stdout("x-run", exited));
        assertOneEndAndOneRun("x-run");
    }

    @Test
    void scriptThatFinishedWhileTheAgentWasDownReportsItsRealExitCode() throws Exception {
        startAgentAndAwaitHello();
        Path go = scratch.resolve("go");
        gateway.send(command(run("x-done", once("x-done") + "echo before; while [ ! -e '" + go
                + "' ]; do sleep 0.02; done; echo after; exit 3")));
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("before\n"), PROMPTLY);

        restartOnceTheScriptEndedUnwatched("x-done", go);
        AgentMessage exited = gateway.awaitExited("x-done", PROMPTLY);

        AgentTestSupport.assertExited(exited, ExitState.FAILED, 3);
        assertEquals("before\nafter\n", stdout("x-done", exited));
        assertOneEndAndOneRun("x-done");
    }

    @Test
    void processKilledWhileTheAgentWasDownIsReportedLost() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("x-lost", once("x-lost") + "echo start; sleep 60")));
        long pgid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("start\n"), PROMPTLY);

        killAgent();
        new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor(5, TimeUnit.SECONDS);
        AgentTestSupport.awaitTrue("the script's group is gone", PROMPTLY,
                () -> AgentTestSupport.livingGroupMembersUnchecked(pgid).isEmpty());
        startAgentAndAwaitHello();
        AgentMessage exited = gateway.awaitExited("x-lost", PROMPTLY);

        AgentTestSupport.assertExited(exited, ExitState.FAILED, -1);
        assertEquals("agent restarted; process lost", exited.getExited().getMessage());
        assertEquals("start\n", stdout("x-lost", exited));
        assertOneEndAndOneRun("x-lost");
    }

    @Test
    void scriptThatDiedOfItsTimeoutWhileTheAgentWasDownIsReportedTimedOut() throws Exception {
        // A long grace, so that the first agent's TERM is all the script gets before that agent dies.
        startAgentAndAwaitHello("--kill-grace-seconds", "60");
        Path go = scratch.resolve("go-timed");
        gateway.send(command(run("x-timed", once("x-timed") + "trap 'echo term; while [ ! -e \"" + go
                + "\" ]; do sleep 0.02; done; exit 143' TERM; echo start; while :; do sleep 0.05 & wait $!; done")
                .setTimeoutSeconds(1)));
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().contains("term\n"), PROMPTLY);

        restartOnceTheScriptEndedUnwatched("x-timed", go);
        AgentMessage exited = gateway.awaitExited("x-timed", PROMPTLY);

        AgentTestSupport.assertExited(exited, ExitState.TIMED_OUT, 143);
        assertEquals("Execution timed out after 1 s", exited.getExited().getMessage());
        assertEquals("start\nterm\n", stdout("x-timed", exited));
        assertOneEndAndOneRun("x-timed");
    }

    @Test
    void cancelUnderWayWhenTheAgentDiedIsCarriedOutByTheNextAgent() throws Exception {
        startAgentAndAwaitHello("--kill-grace-seconds", "60");
        // The script outlives one TERM and gives in to the second.
        gateway.send(command(run("x-ending", once("x-ending") + "n=0; trap 'n=$((n+1)); echo term $n; "
                + "[ $n -ge 2 ] && exit 5' TERM; echo start; while :; do sleep 0.05 & wait $!; done")));
        long pgid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().contains("start\n"), PROMPTLY);
        gateway.send(cancel("x-ending", "operator"));
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().contains("term 1\n"), PROMPTLY);

        killAgent();
        assertFalse(AgentTestSupport.livingGroupMembers(pgid).isEmpty(), "the script outlived the first TERM");
        startAgentAndAwaitHello();
        AgentMessage exited = gateway.awaitExited("x-ending", PROMPTLY);

        AgentTestSupport.assertExited(exited, ExitState.CANCELED, 5);
        assertEquals("Canceled: operator", exited.getExited().getMessage());
        assertEquals("start\nterm 1\nterm 2\n", stdout("x-ending", exited));
        assertOneEndAndOneRun("x-ending");
    }

    @Test
    void outputUploadGoesOnWhereItsBlobEndsWhenTheAgentComesBack() throws Exception {
        String blob = startBlobServer() + "/c/reattached.txt?sv=2021-12-02&sig=s3cret";
        startAgentAndAwaitHello();
        gateway.send(command(run("x-blob", once("x-blob") + "i=0; while [ $i -lt 200 ]; do echo \"line $i\"; "
                + "i=$((i+1)); sleep 0.02; done").setOutputBlobUri(blob)));
        AgentTestSupport.awaitTrue("a first block in the blob", AGENT_START, () -> blobBytes("/c/reattached.txt") > 0);

        killAgent();
        long before = blobBytes("/c/reattached.txt");
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(
                workDir.resolve("runs").resolve("x-blob").resolve("blobs")), "the blob URLs are readable by the agent only");
        startAgentAndAwaitHello();
        AgentMessage exited = gateway.awaitExited("x-blob", Duration.ofSeconds(30));

        AgentTestSupport.assertExited(exited, ExitState.SUCCEEDED, 0);
        assertEquals("", exited.getExited().getMessage());
        assertTrue(before < expectedLines(200).length(), "the agent was killed after the script ended");
        assertEquals(expectedLines(200), blobText("/c/reattached.txt"), "the blob holds the whole stream once");
        assertEquals(1, blobCreations("/c/reattached.txt"), "the blob was created once, then only appended to");
        assertOneEndAndOneRun("x-blob");
    }

    @Test
    void outputUploadOfAScriptThatEndedWhileTheAgentWasDownIsCompletedBeforeItsEnd() throws Exception {
        String blob = startBlobServer() + "/c/ended.txt?sv=2021-12-02&sig=s3cret";
        startAgentAndAwaitHello();
        Path go = scratch.resolve("go-blob");
        gateway.send(command(run("x-blob-done", once("x-blob-done") + "echo before; while [ ! -e '" + go
                + "' ]; do sleep 0.02; done; echo after").setOutputBlobUri(blob)));
        AgentTestSupport.awaitTrue("a first block in the blob", AGENT_START, () -> blobBytes("/c/ended.txt") > 0);

        restartOnceTheScriptEndedUnwatched("x-blob-done", go);
        AgentMessage exited = gateway.awaitExited("x-blob-done", Duration.ofSeconds(30));

        AgentTestSupport.assertExited(exited, ExitState.SUCCEEDED, 0);
        assertEquals("", exited.getExited().getMessage());
        assertEquals("before\nafter\n", blobText("/c/ended.txt"));
        assertEquals(1, blobCreations("/c/ended.txt"));
        assertOneEndAndOneRun("x-blob-done");
    }

    @Test
    void sigtermLeavesTheScriptRunningAndTheNextAgentTakesItOver() throws Exception {
        startAgentAndAwaitHello();
        Path go = scratch.resolve("go-detach");
        gateway.send(command(run("x-detach", once("x-detach") + "echo before; while [ ! -e '" + go
                + "' ]; do sleep 0.02; done; echo after; exit 5")));
        long pgid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("before\n"), PROMPTLY);

        stopAgent();
        assertFalse(AgentTestSupport.livingGroupMembers(pgid).isEmpty(), "the script runs on after the agent stop");
        AgentMessage hello = startAgentAndAwaitHello();
        Files.createFile(go);
        AgentMessage exited = gateway.awaitExited("x-detach", PROMPTLY);

        assertEquals(List.of(HeldExecution.newBuilder().setExecutionId("x-detach").setRunning(true).build()),
                hello.getHello().getHeldList(), "the new agent took the running script over");
        AgentTestSupport.assertExited(exited, ExitState.FAILED, 5);
        assertEquals("before\nafter\n", stdout("x-detach", exited));
        assertOneEndAndOneRun("x-detach");
    }

    @Test
    void sigtermWithStopModeCancelEndsTheScriptAndReportsItCanceled() throws Exception {
        startAgentAndAwaitHello("--stop-mode", "cancel");
        gateway.send(command(run("x-cancel", "echo start; sleep 60")));
        long pgid = gateway.await(AgentMessage::hasStarted, PROMPTLY).message().getStarted().getPid();
        gateway.await(m -> m.hasOutput() && m.getOutput().getData().toStringUtf8().equals("start\n"), PROMPTLY);

        stopAgent();
        AgentMessage exited = gateway.awaitExited("x-cancel", PROMPTLY);

        assertEquals(List.of(), AgentTestSupport.livingGroupMembers(pgid), "nothing of the script is left");
        assertEquals(ExitState.CANCELED, exited.getExited().getState(), exited.toString());
        assertEquals("agent stopped", exited.getExited().getMessage());
    }

    /**
     * Starts an append-blob server as the agent sees Azure Storage: PUT creates (or empties) a blob, PUT with
     * comp=appendblock appends the body, HEAD answers the blob's length. Returns its base URL.
     */
    private String startBlobServer() throws IOException {
        blobServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        blobServer.createContext("/", this::handleBlob);
        blobServer.start();
        return "http://127.0.0.1:" + blobServer.getAddress().getPort();
    }

    private void handleBlob(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getRawPath();
        String query = String.valueOf(exchange.getRequestURI().getRawQuery());
        int status;
        synchronized (blobs) {
            ByteArrayOutputStream blob = blobs.get(path);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                status = blob == null ? 404 : 200;
                if (blob != null) {
                    exchange.getResponseHeaders().set("Content-Length", Integer.toString(blob.size()));
                }
            } else if (query.endsWith("&comp=appendblock")) {
                status = blob == null ? 404 : 201;
                if (blob != null) {
                    blob.write(body);
                }
            } else {
                blobs.put(path, new ByteArrayOutputStream());
                creations.merge(path, 1, Integer::sum);
                status = 201;
            }
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private long blobBytes(String path) {
        synchronized (blobs) {
            ByteArrayOutputStream blob = blobs.get(path);
            return blob == null ? 0 : blob.size();
        }
    }

    private String blobText(String path) {
        synchronized (blobs) {
            return blobs.get(path).toString(StandardCharsets.UTF_8);
        }
    }

    private int blobCreations(String path) {
        synchronized (blobs) {
            return creations.getOrDefault(path, 0);
        }
    }

    /** SIGTERM, as systemd or an operator stops the agent: it exits promptly, with the JVM's 128 + 15. */
    private void stopAgent() throws InterruptedException {
        agent.destroy();
        assertTrue(agent.waitFor(STOP.toSeconds(), TimeUnit.SECONDS), "the agent exits promptly after SIGTERM");
        assertEquals(143, agent.exitValue());
    }

    /**
     * Kills the agent, lets the script of {@code id} end while no agent runs (it waits for {@code go} to exist), and
     * starts a new agent once the wrapper has recorded the exit code.
     */
    private void restartOnceTheScriptEndedUnwatched(String id, Path go) throws Exception {
        killAgent();
        Files.createFile(go);
        AgentTestSupport.awaitTrue("the script recorded its exit", PROMPTLY,
                () -> Files.exists(workDir.resolve("runs").resolve(id).resolve("exit")));
        startAgentAndAwaitHello();
    }

    /** A script prefix that records one run of {@code id} in the scratch dir. */
    private String once(String id) {
        return "echo " + id + " >> '" + scratch.resolve("ran-" + id) + "'; ";
    }

    private void assertOneEndAndOneRun(String id) throws Exception {
        assertEquals(1, gateway.messagesOf(id).stream().filter(AgentMessage::hasExited).distinct().count(),
                "one terminal state, however often it was sent");
        assertEquals(List.of(id), Files.readAllLines(scratch.resolve("ran-" + id)), "the script ran once");
    }

    private String stdout(String id, AgentMessage exited) {
        return new String(Messages.reassemble(gateway.messagesOf(id), OutputStream.STDOUT,
                exited.getExited().getStdoutBytes()), StandardCharsets.UTF_8);
    }

    /** Starts the agent as a child JVM on the shared work dir and waits for its Hello. */
    private AgentMessage startAgentAndAwaitHello(String... extraArgs) throws Exception {
        int index = ++agents;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--gateway", "127.0.0.1:" + server.getPort(), "--work-dir", workDir.toString(),
                "--machine-name", MACHINE, "--subscription-id", TestPki.SUBSCRIPTION, "--resource-group",
                TestPki.RESOURCE_GROUP));
        command.addAll(List.of(extraArgs));
        agent = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("agent-" + index + ".log").toFile())
                .start();
        gateway.await(m -> m.hasHello() && hellos().size() >= index, AGENT_START);
        return hellos().get(index - 1);
    }

    private List<AgentMessage> hellos() {
        return gateway.received().stream().map(FakeGateway.Received::message).filter(AgentMessage::hasHello).toList();
    }

    /** SIGKILL, as a crash or an OOM kill would end the agent. */
    private void killAgent() throws InterruptedException {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static String expectedLines(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append("line ").append(i).append('\n');
        }
        return text.toString();
    }
}
