package dev.runcmd.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The training run for the CLI's class-data-sharing archive ({@code cli/target/cli.jsa}, made by the build with
 * {@code -XX:ArchiveClassesAtExit}): runs the common commands against a canned control API on a loopback port, so
 * that the classes they load (picocli, the HTTP client, TLS-free HTTP, JSON, the printers) are archived and later
 * starts map them instead of loading and verifying them again. Not a command users run; what it prints is dropped.
 */
public final class CdsTraining {

    private static final String TOKEN = "runcmd-pat.00000000000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static final String RUN_COMMAND = """
            {"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/\
            Microsoft.HybridCompute/machines/m/runCommands/t","name":"t",\
            "type":"Microsoft.HybridCompute/machines/runCommands","location":"local",\
            "properties":{"source":{"script":"true"},"provisioningState":"Succeeded","instanceView":\
            {"executionState":"Succeeded","executionMessage":"Execution completed","exitCode":0,"output":"",\
            "error":"","startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T00:00:01Z"}}}""";

    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", CdsTraining::answer);
        server.start();
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        List<List<String>> commands = List.of(
                List.of("--help"),
                List.of("run-command", "create", "--help"),
                List.of("run-command", "create", "--name", "t", "--script", "true"),
                List.of("run-command", "show", "--name", "t", "-o", "json"),
                List.of("run-command", "list"),
                List.of("machine", "list"));
        PrintStream out = System.out;
        PrintStream err = System.err;
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            for (List<String> command : commands) {
                List<String> full = new java.util.ArrayList<>(command);
                if (!command.get(0).startsWith("--") && !command.contains("--help")) {
                    full.addAll(List.of("--endpoint", endpoint, "--token", TOKEN, "--machine-name", "m"));
                }
                Future<Integer> run = runner.submit(() -> Main.commandLine().execute(full.toArray(String[]::new)));
                try {
                    run.get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    run.cancel(true); // training only loads classes; an answer the command did not like is fine
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            runner.shutdownNow();
            server.stop(0);
        }
        System.exit(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        byte[] body;
        if (accept != null && accept.contains("text/event-stream")) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            body = "event: end\ndata: {\"executionState\":\"Succeeded\",\"exitCode\":0}\n\n"
                    .getBytes(StandardCharsets.UTF_8);
        } else {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            body = (exchange.getRequestURI().getPath().endsWith("/runCommands")
                    || exchange.getRequestURI().getPath().endsWith("/machines")
                    ? "{\"value\":[" + RUN_COMMAND + "]}" : RUN_COMMAND).getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream response = exchange.getResponseBody()) {
            response.write(body);
        }
    }
}
