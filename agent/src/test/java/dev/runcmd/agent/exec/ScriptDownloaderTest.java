package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The downloader's bounds and text normalisation, against a tiny in-test HTTP server. */
class ScriptDownloaderTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer http;
    private String base;

    @BeforeEach
    void startHttp() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/slow.sh", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS); // answers only when the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        http.createContext("/big.sh", exchange -> {
            byte[] body = "echo 0123456789abcdef\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterEach
    void stopHttp() {
        release.countDown();
        http.stop(0);
    }

    @Test
    void slowServerTimesOutAfterTheTotalTimeout() {
        ScriptDownloader downloader = new ScriptDownloader(Duration.ofSeconds(1), Duration.ofSeconds(1), 1024);
        long start = System.nanoTime();

        ExecutionFailure failure = assertThrows(ExecutionFailure.class,
                () -> downloader.fetch(base + "/slow.sh?sig=secret", true));

        assertEquals("Failed to download the script from " + base + "/slow.sh: timed out after 1 s", failure.getMessage());
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(true, millis < 5000, "gave up after " + millis + " ms");
    }

    @Test
    void bodyLargerThanTheBoundFails() {
        ScriptDownloader downloader = new ScriptDownloader(Duration.ofSeconds(1), Duration.ofSeconds(5), 10);

        ExecutionFailure failure = assertThrows(ExecutionFailure.class, () -> downloader.fetch(base + "/big.sh", true));

        assertEquals("Failed to download the script from " + base + "/big.sh: larger than 10 bytes", failure.getMessage());
    }

    @Test
    void nonHttpUrlFailsWithoutTryingAndWithoutEchoingIt() {
        ScriptDownloader downloader = new ScriptDownloader();

        ExecutionFailure failure = assertThrows(ExecutionFailure.class,
                () -> downloader.fetch("file:///etc/shadow?sig=secret", true));

        assertEquals("Failed to download the script: the scriptUri must be an http(s) URL with a host", failure.getMessage());
    }

    @Test
    void redactionKeepsSchemeHostPortAndPathOnly() {
        assertEquals("https://acct.example/c/run.sh",
                ScriptDownloader.redact(URI.create("https://user:pw@acct.example/c/run.sh?sv=1&sig=abc#x")));
        assertEquals("http://127.0.0.1:8080/a%20b.sh", ScriptDownloader.redact(URI.create("http://127.0.0.1:8080/a%20b.sh?q")));
    }

    @Test
    void shellScriptsLoseBomAndCarriageReturnsButPowerShellKeepsItsLineEnds() {
        byte[] text = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', '\r', '\n', 'b', '\r', '\n'};

        assertEquals("a\nb\n", ScriptDownloader.normalise(text, true));
        assertEquals("a\r\nb\r\n", ScriptDownloader.normalise(text, false));
    }
}
