package dev.runcmd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-caller request rate limit, shared by REST and gRPC, with the test settings (20 requests per second,
 * bursts of 300). Each test floods as its own principal (a runcmd token of its own) from its own loopback address,
 * so the other tests (the owner token) are never limited, and checks that they still are not, and that another
 * principal calling from the flooding address is not limited either: the quota is the caller's, not the address's.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class RateLimitTest {

    private static final int BURST = 300;
    private static final String MESSAGE =
            "more than 20 requests per second from this client; retry after the Retry-After seconds";
    private static final Metadata.Key<String> RETRY_AFTER =
            Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    /** A path no resource matches: answered 404 without touching the database. */
    private static final String CHEAP_PATH = "/subscriptions/flood";

    /** The management interface (health, metrics): not limited. */
    @TestHTTPResource(value = "/", management = true)
    java.net.URL management;

    @Test
    void grpcFloodGetsResourceExhaustedAndOnlyThatClientIsLimited() throws Exception {
        String token = CallerIdentityTest.createToken("grpc-flooder", "Reader", "/subscriptions/" + Arm.SUB);
        ManagedChannel flooder = BoundClient.grpcChannel("127.0.0.2", RestAssured.port, token);
        try {
            assertEquals(List.of(), refusedHealthChecks(flooder, 2 * BURST), "gRPC health checks are exempt");

            List<Status> statuses = floodGrpc(flooder, 20 * BURST);
            Status refusal = statuses.get(statuses.size() - 1);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusal.getCode(), "no refusal in " + statuses.size());
            assertEquals(MESSAGE, refusal.getDescription());
            assertTrue(statuses.size() > BURST, "a full burst passed first: " + statuses.size());
            assertEquals(Status.Code.INVALID_ARGUMENT, statuses.get(BURST - 1).getCode());

            assertTrue(floodRestUntilRefused("127.0.0.2", 100, token) < 100, "REST shares the caller's bucket");
            assertEquals(100, floodRestUntilRefused("127.0.0.2", 100, TestAuth.OWNER_TOKEN),
                    "another caller from the same address is not limited");
            assertEquals(List.of(), refusedHealthChecks(flooder, 2 * BURST), "still exempt while limited");
        } finally {
            flooder.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        RestAssured.get(CHEAP_PATH).then().statusCode(404);
    }

    @Test
    void restFloodGets429WithRetryAfterAndOnlyThatClientIsLimited() throws Exception {
        int admitted;
        String token = CallerIdentityTest.createToken("rest-flooder", "Reader", "/subscriptions/" + Arm.SUB);
        try (BoundClient client = BoundClient.http("127.0.0.3", RestAssured.port, token)) {
            BoundClient.Response response = client.get(CHEAP_PATH);
            for (admitted = 0; response.status() == 404 && admitted < 20 * BURST; admitted++) {
                response = client.get(CHEAP_PATH);
            }
            assertEquals(429, response.status(), "no refusal after " + admitted + " requests");
            assertTrue(admitted >= BURST, "a full burst passed first: " + admitted);
            JsonPath error = new JsonPath(response.body());
            assertEquals("TooManyRequests", error.getString("error.code"));
            assertEquals(MESSAGE, error.getString("error.message"));
            assertTrue(Integer.parseInt(response.headers().get("retry-after")) >= 1, response.headers().toString());
            assertTrue(client.closedByServer(), "the connection of a refused request is closed");
        }
        try (BoundClient client = BoundClient.http("127.0.0.3", management.getPort(), token)) {
            for (int i = 0; i < 100; i++) {
                assertEquals(200, client.get("/q/health/live").status(), "health, on the management port, is not limited");
            }
        }
        assertGrpcShared("127.0.0.3", token);
        RestAssured.get(CHEAP_PATH).then().statusCode(404);
    }

    /** A burst of gRPC calls from the same address right after its REST flood: some are refused. */
    private static void assertGrpcShared(String address, String token) throws Exception {
        ManagedChannel channel = BoundClient.grpcChannel(address, RestAssured.port, token);
        try {
            List<Status> statuses = floodGrpc(channel, 100);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, statuses.get(statuses.size() - 1).getCode(),
                    "gRPC shares the client's bucket");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends cheap calls (answered INVALID_ARGUMENT without the database) in concurrent batches of 50 until one is
     * refused or {@code max} were sent.
     *
     * @return the statuses in the order sent, up to and including the first refusal
     */
    private static List<Status> floodGrpc(ManagedChannel channel, int max) throws Exception {
        RunCommandsGrpc.RunCommandsFutureStub stub = RunCommandsGrpc.newFutureStub(channel);
        List<Status> statuses = new ArrayList<>();
        while (statuses.size() < max) {
            List<Future<?>> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(stub.withDeadlineAfter(10, TimeUnit.SECONDS).getRunCommand(
                        GetRunCommandRequest.getDefaultInstance()));
            }
            for (Future<?> call : batch) {
                Status status = outcome(call);
                statuses.add(status);
                if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    assertRetryAfter(status, call);
                    return statuses;
                }
            }
        }
        return statuses;
    }

    private static Status outcome(Future<?> call) throws InterruptedException {
        try {
            call.get(15, TimeUnit.SECONDS);
            return Status.OK;
        } catch (Exception e) {
            return Status.fromThrowable(e);
        }
    }

    private static void assertRetryAfter(Status status, Future<?> call) throws InterruptedException {
        try {
            call.get();
        } catch (Exception e) {
            Metadata trailers = Status.trailersFromThrowable(e);
            assertNotNull(trailers, status.toString());
            assertTrue(Integer.parseInt(trailers.get(RETRY_AFTER)) >= 1, trailers.toString());
        }
    }

    /** Sends up to {@code max} REST requests one after another; returns how many passed before a 429. */
    private static int floodRestUntilRefused(String address, int max, String token) throws Exception {
        try (BoundClient client = BoundClient.http(address, RestAssured.port, token)) {
            for (int passed = 0; passed < max; passed++) {
                if (client.get(CHEAP_PATH).status() == 429) {
                    return passed;
                }
            }
            return max;
        }
    }

    /** Sends {@code count} concurrent health checks; returns the statuses of those not answered SERVING. */
    private static List<Status> refusedHealthChecks(ManagedChannel channel, int count) throws Exception {
        HealthGrpc.HealthFutureStub health = HealthGrpc.newFutureStub(channel);
        List<Future<HealthCheckResponse>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(health.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()));
        }
        List<Status> refused = new ArrayList<>();
        for (Future<HealthCheckResponse> call : calls) {
            try {
                if (call.get(15, TimeUnit.SECONDS).getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                    refused.add(Status.OK);
                }
            } catch (Exception e) {
                refused.add(Status.fromThrowable(e));
            }
        }
        return refused;
    }
}
