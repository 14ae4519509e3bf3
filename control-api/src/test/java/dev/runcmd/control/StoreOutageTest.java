package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static dev.runcmd.control.OutputApi.bytes;
import static dev.runcmd.control.OutputApi.json;
import static dev.runcmd.control.OutputApi.output;
import static dev.runcmd.control.OutputApi.url;
import static dev.runcmd.control.OutputRows.STDOUT;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.control.output.OutputHub;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped and started again under a running control API (same port, same data): requests during the
 * outage get 503 ServiceUnavailable with Retry-After (gRPC UNAVAILABLE) while readiness stays UP (so that Kubernetes
 * keeps every replica in the Service to say so, instead of none answering at all); afterwards everything
 * works again without restarting the control API, and a follower that was following across the restart (its safety
 * polls failing meanwhile, its keepalives going on) receives the output stored after it.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class StoreOutageTest {

    private static final String RG = "rg-outage";

    /** Readiness, on the management interface. */
    @TestHTTPResource(value = "/health/ready", management = true) // the management root is /q
    URL readiness;

    /** Injected by {@link EmbeddedPostgresResource}. */
    PostgresServer postgres;

    @Inject
    OutputHub hub;

    @AfterEach
    void startPostgresAgain() {
        postgres.start();
    }

    @Test
    void controlApiRidesThroughAPostgresRestart() throws Exception {
        assertNotNull(postgres, "the test resource did not inject the server");
        String execution = OutputRows.newExecution(RG, "m1", "job");
        OutputRows.running(execution);
        OutputRows.store(execution, STDOUT, 0, bytes("before\n"));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
        try (SseClient sse = SseClient.open(url(output(RG)) + "&follow=true", Map.of())) {
            assertEquals("before\n", json(sse.next(10)).getString("data"));
            postgres.stop();
            assertAnswersUnavailable(RunCommandsGrpc.newBlockingStub(channel), readiness.toString());
            int comments = sse.comments.get();
            Awaitility.await("keepalives while the store is down").atMost(10, TimeUnit.SECONDS)
                    .until(() -> sse.comments.get() >= comments + 2);
            postgres.start();
            assertAnswersAgain(readiness.toString());
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(hub::isListening);
            OutputRows.store(execution, STDOUT, 7, bytes("after\n"));
            SseClient.Event next = sse.next(15);
            assertEquals("stdout", next.name(), "the follower did not survive the restart: " + next);
            assertEquals("after\n", json(next).getString("data"));
            assertEquals(7, json(next).getLong("offset"));
            OutputRows.end(execution, "Succeeded", 0, "done");
            assertEquals("end", sse.next(10).name());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** REST reads and writes: 503 with the ARM body and Retry-After; gRPC: UNAVAILABLE; readiness: still UP. */
    private static void assertAnswersUnavailable(RunCommandsGrpc.RunCommandsBlockingStub stub, String readiness) {
        request().get(runCommand(RG, "m1", "job")).then().statusCode(503)
                .header("Retry-After", "5")
                .body("error.code", equalTo("ServiceUnavailable"))
                .body("error.message", equalTo("The data store is unreachable; retry the request later."));
        put(runCommand(RG, "m1", "other"), Arm.scriptBody("echo")).statusCode(503)
                .body("error.code", equalTo("ServiceUnavailable"));
        given().get(readiness).then().statusCode(200).body("status", equalTo("UP"));
        StatusRuntimeException grpc = assertThrows(StatusRuntimeException.class, () -> stub
                .withDeadlineAfter(10, TimeUnit.SECONDS).getRunCommand(GetRunCommandRequest.newBuilder()
                        .setMachine(MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(RG)
                                .setMachineName("m1")).setName("job").build()));
        assertEquals(Status.Code.UNAVAILABLE, grpc.getStatus().getCode());
        assertEquals("The data store is unreachable; retry the request later.", grpc.getStatus().getDescription());
    }

    /** The same control API serves again once PostgreSQL is back: reads and writes, and readiness is still UP. */
    private static void assertAnswersAgain(String readiness) {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> request().get(runCommand(RG, "m1", "job")).statusCode() == 200);
        put(runCommand(RG, "m1", "other"), Arm.scriptBody("echo")).statusCode(201);
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> given().get(readiness).statusCode() == 200);
    }
}
