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
 * One client of a step: one request at a time on a keep-alive HTTP/1.1 connection, each
 * drawn from the {@link Operation} mix, until the step's deadline; a request in flight at the deadline
 * is finished and counted. Runs on one thread, which owns its {@link StepTally}.
 */
final class LoadClient {

    /** Bounds a whole exchange, body included: {@link HttpRequest#timeout} alone ends at the headers. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final String runCommands;
    private final Mix mix;
    private final boolean honorRetryAfter;
    private final String writeName;

    /**
     * {@code http}: shared by the step's clients (one selector thread for all; HTTP/1.1 gives each request in
     * flight a connection of its own, kept alive for the next); {@code runCommands}: the URI of the machine's run
     * command collection.
     */
    private final String token;

    LoadClient(HttpClient http, String runCommands, Mix mix, boolean honorRetryAfter, int index, String token) {
        this.token = token;
        this.http = http;
        this.runCommands = runCommands;
        this.mix = mix;
        this.honorRetryAfter = honorRetryAfter;
        this.writeName = LoadFixture.writeName(index);
    }

    /** Sends requests until {@code deadlineNanos} (on {@link System#nanoTime}); answers what they got. */
    StepTally run(long deadlineNanos) throws InterruptedException {
        StepTally tally = new StepTally();
        Random random = ThreadLocalRandom.current();
        while (System.nanoTime() - deadlineNanos < 0) {
            Operation operation = mix.pick(random);
            HttpRequest request = operation.request(runCommands, writeName, random, REQUEST_TIMEOUT, token);
            long start = System.nanoTime();
            Answer answer = send(request);
            tally.record(operation, answer, System.nanoTime() - start);
            boolean refused = answer.outcome() == Outcome.UNAVAILABLE || answer.outcome() == Outcome.TOO_MANY_REQUESTS;
            if (honorRetryAfter && refused && answer.retryAfter() > 0) {
                long wait = Math.min(TimeUnit.SECONDS.toNanos(answer.retryAfter()), deadlineNanos - System.nanoTime());
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
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
