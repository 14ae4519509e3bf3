package dev.runcmd.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real HTTP server on the loopback address and a free port, answering each route with scripted replies in order
 * (the last one repeats) and recording every request. Unscripted routes answer 404 with an ARM error body. A reply
 * may stay open and send more as the test feeds it ({@link Reply#streaming}), as an event stream does.
 */
public final class ScriptedServer implements AutoCloseable {

    /** A request as received; {@code query} is raw (still percent-encoded). */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {
        /** The first value of a header, or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** What a test puts on a {@link Reply#streaming} feed to end the response. */
    public static final String END = "\u0000end";

    /** How long a streaming reply waits for the next text of its feed before it ends the response anyway. */
    private static final long FEED_WAIT_SECONDS = 10;

    /**
     * A scripted answer: {@code body}, then, when {@code feed} is not null, each text the test puts on it, sent as it
     * comes, until {@link #END}.
     */
    public record Reply(int status, Map<String, String> headers, String body, BlockingQueue<String> feed) {
        public Reply(int status, Map<String, String> headers, String body) {
            this(status, headers, body, null);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body);
        }

        /** A response kept open: {@code body} at once, then what the test puts on {@code feed}, until {@link #END}. */
        public static Reply streaming(int status, Map<String, String> headers, String body,
                BlockingQueue<String> feed) {
            return new Reply(status, headers, body, feed);
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> routes = new ConcurrentHashMap<>();

    private ScriptedServer(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
    }

    /**
     * Starts a server on 127.0.0.1 and a free port. Requests are handled each on its own thread, so a streaming reply
     * held open does not keep other requests waiting.
     */
    public static ScriptedServer start() throws IOException {
        return start(0, routes -> { });
    }

    /**
     * Starts a server on 127.0.0.1 and {@code port} (0: a free one) with the routes {@code script} sets: they are
     * in place before the first request is handled, even one a client sent while the port was being bound.
     */
    public static ScriptedServer start(int port, Consumer<ScriptedServer> script) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        http.setExecutor(handlers);
        ScriptedServer scripted = new ScriptedServer(http, handlers);
        http.createContext("/", scripted::handle);
        script.accept(scripted);
        http.start();
        return scripted;
    }

    /** A loopback port nothing listens on: found free, then let go. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * Answers {@code method path} (the raw path, no query) with {@code replies} in order, the last one repeating;
     * path {@code *} answers every path of that method that has no route of its own.
     */
    public ScriptedServer on(String method, String path, Reply... replies) {
        routes.put(method + " " + path, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        Reply reply = next(exchange.getRequestMethod() + " " + path);
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        if (reply.feed() != null) {
            exchange.sendResponseHeaders(reply.status(), 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
                out.flush();
                stream(reply.feed(), out);
            }
            return;
        }
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends what the test puts on {@code feed} as it comes, until {@link #END}, a quiet spell or {@link #close}. */
    private static void stream(BlockingQueue<String> feed, OutputStream out) throws IOException {
        try {
            String next;
            while ((next = feed.poll(FEED_WAIT_SECONDS, TimeUnit.SECONDS)) != null && !next.equals(END)) {
                out.write(next.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        }
    }

    private Reply next(String route) {
        Deque<Reply> replies = routes.get(route);
        if (replies == null) {
            replies = routes.get(route.substring(0, route.indexOf(' ')) + " *");
        }
        if (replies == null) {
            return Reply.json(404, "{\"error\":{\"code\":\"NotScripted\",\"message\":\"no reply for " + route + "\"}}");
        }
        synchronized (replies) {
            return replies.size() > 1 ? replies.poll() : replies.peek();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
