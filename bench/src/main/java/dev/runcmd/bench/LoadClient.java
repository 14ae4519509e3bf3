package dev.runcmd.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client of a step: its own HTTP/1.1 connection pool (keep-alive), one request at a time, each
 * drawn from the {@link Operation} mix, until the step's deadline; a request in flight at the deadline
 * is finished and counted. Runs on one thread, which owns its {@link StepTally}.
 */
final class LoadClient {

    /** Bounds a whole exchange, body included: {@link HttpRequest#timeout} alone ends at the headers. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String runCommands;
    private final Mix mix;

    /** {@code runCommands}: the URI of the machine's run command collection. */
    LoadClient(String runCommands, Mix mix) {
        this.runCommands = runCommands;
        this.mix = mix;
    }

    /** Sends requests until {@code deadlineNanos} (on {@link System#nanoTime}); answers what they got. */
    StepTally run(long deadlineNanos) throws InterruptedException {
        StepTally tally = new StepTally();
        Random random = ThreadLocalRandom.current();
        while (System.nanoTime() - deadlineNanos < 0) {
            Operation operation = mix.pick(random);
            HttpRequest request = operation.request(runCommands, random, REQUEST_TIMEOUT);
            long start = System.nanoTime();
            Answer answer = send(request);
            tally.record(operation, answer, System.nanoTime() - start);
        }
        return tally;
    }

    private Answer send(HttpRequest request) throws InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return Answer.of(exchange.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            // Since JDK 16 cancelling the future aborts the exchange and closes its connection.
            exchange.cancel(true);
            return Answer.failed(new TimeoutException("no whole answer within " + REQUEST_TIMEOUT.toSeconds() + " s"));
        } catch (ExecutionException e) {
            return Answer.failed(e.getCause());
        }
    }
}
