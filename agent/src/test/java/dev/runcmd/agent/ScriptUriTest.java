package dev.runcmd.agent;

import static dev.runcmd.agent.Messages.command;
import static dev.runcmd.agent.Messages.param;
import static dev.runcmd.agent.Messages.run;
import static dev.runcmd.agent.Messages.streamText;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scripts given by URL: downloaded by the agent from a tiny in-test HTTP server. */
class ScriptUriTest extends AgentTestSupport {
    private HttpServer http;
    private String base;

    @BeforeEach
    void startHttp() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "echo one\r\nprintf '%s' \"$1\"\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] script = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, script, 0, bom.length);
        System.arraycopy(text, 0, script, bom.length, text.length);
        http.createContext("/ok.sh", exchange -> {
            exchange.sendResponseHeaders(200, script.length);
            try (java.io.OutputStream body = exchange.getResponseBody()) {
                body.write(script);
            }
        });
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterEach
    void stopHttp() {
        http.stop(0);
    }

    @Test
    void downloadedScriptRunsWithBomStrippedAndCrlfTurnedIntoLf() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("u-ok", "").setScriptUri(base + "/ok.sh?sig=secret").addParameters(param("", "x"))));

        assertExited(gateway.awaitExited("u-ok", PROMPTLY), ExitState.SUCCEEDED, 0);
        assertEquals("one\nx", streamText(gateway.messagesOf("u-ok"), OutputStream.STDOUT));
    }

    @Test
    void failedDownloadNamesStatusAndUrlWithoutQueryAndStartsNothing() throws Exception {
        startAgentAndAwaitHello();
        gateway.send(command(run("u-404", "").setScriptUri(base + "/missing.sh?sv=2024&sig=secret")));

        AgentMessage exited = assertExited(gateway.awaitExited("u-404", PROMPTLY), ExitState.FAILED, -1);

        assertEquals("Failed to download the script from " + base + "/missing.sh: HTTP 404",
                exited.getExited().getMessage());
        assertEquals(List.of(AgentMessage.KindCase.ACCEPTED, AgentMessage.KindCase.EXITED),
                gateway.messagesOf("u-404").stream().map(AgentMessage::getKindCase).toList());
    }
}
