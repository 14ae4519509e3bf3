package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runcmd.agent.FakeGateway.Received;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Output and error blobs, uploaded to a tiny in-test HTTP server that records every request. Paths
 * decide the answers: a create under "/deny/" gets 403, an Append Block under "/broken/" gets 500,
 * everything else 201.
 */
class OutputBlobTest extends AgentTestSupport {
    private static final String SAS = "?sv=2021-12-02&sig=s3cret";
    private static final Duration LONG_RUN = Duration.ofSeconds(20);

    /** One request the blob server received. */
    record Request(String method, String path, String query, String blobType, String version, String contentType,
            byte[] body, long nanos) {}

    private final List<Request> requests = new ArrayList<>();
    private HttpServer http;
    private String base;

    @BeforeEach
    void startBlobServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", this::handle);
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterEach
    void stopBlobServer() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        var headers = exchange.getRequestHeaders();
        synchronized (requests) {
            requests.add(new Request(exchange.getRequestMethod(), path, query, headers.getFirst("x-ms-blob-type"),
                    headers.getFirst("x-ms-version"), headers.getFirst("Content-Type"), body, System.nanoTime()));
        }
        boolean append = query != null && query.endsWith("&comp=appendblock");
        int status = path.startsWith("/deny/") && !append ? 403 : path.startsWith("/broken/") && append ? 500 : 201;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private List<Request> requestsTo(String path) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    @Test
    void appendBlobsGetBlocksWhileTheScriptRunsWhoseConcatenationIsTheExactStream() throws Exception {
        startAgentAndAwaitHello();
        // 30 x 100 000 bytes over about 2.5 s; each block of digits differs, so lost or reordered bytes show.
        String script = "i=0; while [ $i -lt 30 ]; do head -c 100000 /dev/zero | tr '\\0' $((i % 10)); "
                + "[ $i -eq 15 ] && echo oops >&2; sleep 0.08; i=$((i+1)); done";
        gateway.send(command(run("b-append", script)
                .setOutputBlobUri(base + "/c/out.txt" + SAS)
                .setErrorBlobUri(base + "/c/err.txt" + SAS)));

        AgentMessage exited = assertExited(gateway.awaitExited("b-append", LONG_RUN), ExitState.SUCCEEDED, 0);
        assertEquals("", exited.getExited().getMessage());
        Received started = gateway.await(m -> m.hasStarted() && m.getStarted().getExecutionId().equals("b-append"), PROMPTLY);
        byte[] stdout = streamBytes(gateway.messagesOf("b-append"), OutputStream.STDOUT);
        assertEquals(3_000_000, stdout.length);
        assertArrayEquals(expectedDigits(), stdout);

        List<Request> out = requestsTo("/c/out.txt");
        assertCreated(out.get(0), started.nanos());
        List<Request> blocks = out.subList(1, out.size());
        long lastOutputNanos = gateway.received().stream()
                .filter(r -> r.message().hasOutput() && r.message().getOutput().getExecutionId().equals("b-append"))
                .mapToLong(Received::nanos).max().orElseThrow();
        assertTrue(blocks.size() >= 2, "blocks appended while the script ran, then a final one: " + blocks.size());
        assertTrue(blocks.get(0).nanos() < lastOutputNanos, "the first block was appended while output still flowed");
        blocks.forEach(OutputBlobTest::assertAppendBlock);
        assertArrayEquals(stdout, concat(blocks));

        List<Request> err = requestsTo("/c/err.txt");
        assertCreated(err.get(0), started.nanos());
        err.subList(1, err.size()).forEach(OutputBlobTest::assertAppendBlock);
        assertEquals("oops\n", new String(concat(err.subList(1, err.size())), StandardCharsets.UTF_8));
    }

    @Test
    void plainUrlGetsOnePutOfTheWholeStreamBeforeExited() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("b-put", "printf 'one\\ntwo\\n'; printf 'e' >&2")
                .setOutputBlobUri(base + "/plain/out.log?token=abc")
                .setErrorBlobUri(base + "/plain/err.log")));

        assertExited(gateway.awaitExited("b-put", PROMPTLY), ExitState.SUCCEEDED, 0);
        long exitedNanos = gateway.await(m -> m.hasExited(), PROMPTLY).nanos();

        List<Request> out = requestsTo("/plain/out.log");
        assertEquals(1, out.size(), "one PUT");
        assertEquals("PUT", out.get(0).method());
        assertEquals("token=abc", out.get(0).query());
        assertEquals("application/octet-stream", out.get(0).contentType());
        assertEquals("one\ntwo\n", new String(out.get(0).body(), StandardCharsets.UTF_8));
        assertTrue(out.get(0).nanos() < exitedNanos, "uploaded before Exited was sent");
        List<Request> err = requestsTo("/plain/err.log");
        assertEquals(1, err.size(), "one PUT");
        assertEquals("e", new String(err.get(0).body(), StandardCharsets.UTF_8));
    }

    @Test
    void appendBlobThatCannotBeCreatedFailsTheExecutionWithoutStartingIt() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("b-deny", "touch ../../ran").setOutputBlobUri(base + "/deny/out.txt" + SAS)));

        AgentMessage exited = assertExited(gateway.awaitExited("b-deny", PROMPTLY), ExitState.FAILED, -1);

        assertEquals("Cannot create the output blob at " + base + "/deny/out.txt: HTTP 403", exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("b-deny").stream().map(AgentMessage::getKindCase).toList());
        assertEquals(1, requestsTo("/deny/out.txt").size());
        assertFalse(java.nio.file.Files.exists(workDir.resolve("ran")), "the script did not run");
    }

    @Test
    void failedAppendKeepsTheScriptsStateAndIsNotedInTheExitedMessage() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("b-broken", "echo hi; exit 3").setOutputBlobUri(base + "/broken/out.txt" + SAS)));

        AgentMessage exited = assertExited(gateway.awaitExited("b-broken", PROMPTLY), ExitState.FAILED, 3);

        assertEquals("Script exited with code 3 (output upload to 127.0.0.1 failed: HTTP 500)",
                exited.getExited().getMessage());
        assertEquals("hi\n", Messages.streamText(gateway.messagesOf("b-broken"), OutputStream.STDOUT));
        List<Request> out = requestsTo("/broken/out.txt");
        assertEquals(2, out.size(), "create, then one failed Append Block");
        assertEquals("hi\n", new String(out.get(1).body(), StandardCharsets.UTF_8));
    }

    private static void assertCreated(Request create, long startedNanos) {
        assertEquals("PUT", create.method());
        assertEquals(SAS.substring(1), create.query());
        assertEquals("AppendBlob", create.blobType());
        assertEquals("2021-12-02", create.version());
        assertEquals(0, create.body().length);
        assertTrue(create.nanos() < startedNanos, "blob created before the script started");
    }

    private static void assertAppendBlock(Request block) {
        assertEquals("PUT", block.method());
        assertEquals(SAS.substring(1) + "&comp=appendblock", block.query());
        assertEquals("2021-12-02", block.version());
        assertTrue(block.body().length > 0 && block.body().length <= 4 * 1024 * 1024, "block size " + block.body().length);
    }

    private static byte[] concat(List<Request> blocks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        blocks.forEach(b -> all.writeBytes(b.body()));
        return all.toByteArray();
    }

    private static byte[] expectedDigits() {
        byte[] expected = new byte[3_000_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) ('0' + (i / 100_000) % 10);
        }
        return expected;
    }
}
