package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.runCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many more concurrent clients than pool connections, over every kind of request (reads with output tails,
 * lists, PUT, PATCH, cancel, operation status, output, history, machines, gRPC): every answer is a success or
 * 503 ServiceUnavailable with Retry-After (gRPC UNAVAILABLE), never a 500, and the API serves normally right
 * afterwards; every write answered 2xx has its activity log event (the recorder waits out a shed insert rather
 * than losing it). The pool here has 4 connections and 4 waiting places, the rate limit is off, and a request
 * that asks for a second connection while it holds one fails (the test profile's nested-connections=fail), so
 * the deadlock that once took the API down under 20 readers shows as a 500 here.
 */
@QuarkusTest
@TestProfile(OverloadTest.SmallPool.class)
@WithTestResource(EmbeddedPostgresResource.class)
class OverloadTest {

    private static final String RG = "rg-overload";
    private static final String MACHINE = "busy";
    private static final int CLIENTS = 48;
    private static final int ROUNDS = 4;
    private static final int COMMANDS = 8;

    /** A pool far smaller than the clients, no per-client limit. */
    public static final class SmallPool implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.reactive.max-size", "4",
                    "runcmd.control.store.max-waiting", "4",
                    "runcmd.control.api.max-requests-per-second", "0");
        }
    }

    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    /** The request ids of the writes answered 2xx. */
    private final ConcurrentLinkedQueue<String> writes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();

    @Test
    void overloadIsShedWith503AndNeverA500() throws Exception {
        long machineId = Db.insertMachine(Arm.SUB, RG, MACHINE);
        for (int i = 0; i < COMMANDS; i++) {
            put(runCommand(RG, MACHINE, "rc-" + i), Arm.scriptBody("echo")).statusCode(201);
            String execution = Db.queryString("select current_execution_id::text from run_command "
                    + "where machine_id = ? and name = ?", machineId, "rc-" + i);
            OutputRows.storeAll(execution, OutputRows.STDOUT, 0, ("line\n").repeat(2000).getBytes(), 4096);
        }
        for (int c = 0; c < CLIENTS; c++) {
            put(runCommand(RG, MACHINE, "own-" + c), Arm.scriptBody("true")).statusCode(201);
        }

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .intercept(TestAuth.bearer()).build();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    start.await();
                    if (client % 8 == 7) {
                        grpcClient(channel);
                    } else {
                        restClient(client);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> client : running) {
                client.get(3, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        assertEquals(List.of(), List.copyOf(wrong), "answers other than success or 503 with Retry-After: " + answers);
        assertTrue(count("503") + count("UNAVAILABLE") > 0,
                "nothing was shed, so the pool was never saturated and the test proves nothing: " + answers);
        assertEquals(0, Db.queryLong("select count(*) from unnest(?::text[]) as w(id) "
                + "where not exists (select 1 from activity_log a where a.request_id = w.id)",
                (Object) writes.toArray(String[]::new)),
                "writes without their activity log event, of " + writes.size());
        servesNormally();
    }

    /** One REST client on its own connection: every kind of request, {@link #ROUNDS} times. */
    private void restClient(int client) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String own = runCommand(RG, MACHINE, "own-" + client);
        String body = Arm.scriptBody("true");
        for (int round = 0; round < ROUNDS; round++) {
            String some = runCommand(RG, MACHINE, "rc-" + ((client + round) % COMMANDS));
            record(send(http, "GET", some, null));
            record(send(http, "GET", Arm.runCommands(RG, MACHINE) + "?$top=5", null));
            HttpResponse<String> created = send(http, "PUT", own, body);
            record(created);
            created.headers().firstValue("Azure-AsyncOperation")
                    .ifPresent(status -> recordQuietly(http, URI.create(status).getRawPath()));
            record(send(http, "PATCH", own, "{\"properties\":{\"timeoutInSeconds\":60}}"));
            record(send(http, "POST", own + "/cancel", null));
            record(send(http, "GET", some + "/output", null));
            record(send(http, "GET", some + "/executions", null));
            record(send(http, "GET", Arm.machines(RG) + "/" + MACHINE, null));
            record(send(http, "GET", Arm.machines(RG), null));
        }
    }

    /** One gRPC client: reads with output tails. */
    private void grpcClient(ManagedChannel channel) {
        RunCommandsGrpc.RunCommandsBlockingStub stub = RunCommandsGrpc.newBlockingStub(channel);
        MachineRef machine = MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(RG)
                .setMachineName(MACHINE).build();
        for (int i = 0; i < ROUNDS * 8; i++) {
            try {
                stub.withDeadlineAfter(30, TimeUnit.SECONDS).getRunCommand(GetRunCommandRequest.newBuilder()
                        .setMachine(machine).setName("rc-" + (i % COMMANDS)).build());
                tally("OK");
            } catch (StatusRuntimeException e) {
                Status status = e.getStatus();
                tally(status.getCode().name());
                if (status.getCode() != Status.Code.UNAVAILABLE) {
                    wrong.add("gRPC " + status);
                }
            }
        }
    }

    private void recordQuietly(HttpClient http, String path) {
        try {
            record(send(http, "GET", path, null));
        } catch (Exception e) {
            wrong.add("operation status: " + e);
        }
    }

    private void record(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status <= 299 && !response.request().method().equals("GET")) {
            response.headers().firstValue("x-ms-request-id").ifPresent(writes::add);
        }
        tally(Integer.toString(status));
        String what = response.request().method() + " " + response.request().uri().getRawPath() + " -> " + status;
        if (status == 503) {
            if (response.headers().firstValue("Retry-After").isEmpty()
                    || !response.body().contains("\"code\":\"ServiceUnavailable\"")) {
                wrong.add(what + " without Retry-After or the ARM code: " + response.body());
            }
        } else if (status < 200 || status > 299) {
            wrong.add(what + ": " + response.body());
        }
    }

    private void tally(String answer) {
        answers.computeIfAbsent(answer, a -> new AtomicInteger()).incrementAndGet();
    }

    private int count(String answer) {
        AtomicInteger n = answers.get(answer);
        return n == null ? 0 : n.get();
    }

    /** Right after the load, one of each read answers 200 at the first try. */
    private static void servesNormally() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of(runCommand(RG, MACHINE, "rc-0"), Arm.runCommands(RG, MACHINE),
                runCommand(RG, MACHINE, "rc-1") + "/output", Arm.machines(RG))) {
            HttpResponse<String> response = send(http, "GET", path, null);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
        }
        assertTrue(send(http, "GET", runCommand(RG, MACHINE, "rc-0"), null).body().contains("line\\nline"),
                "the read shows no output tail");
    }

    private static HttpResponse<String> send(HttpClient http, String method, String path, String body)
            throws Exception {
        String separator = path.contains("?") ? "&" : "?";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + path + separator + "api-version=" + Arm.VERSION)).header("Authorization", TestAuth.header())
                .timeout(Duration.ofSeconds(60));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
