package dev.runcmd.control;

import static dev.runcmd.control.Arm.runCommand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.StreamOutputRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Requests, readers and checks for the output APIs, as a client builds them (machine {@code m1}, run command
 * {@code job}).
 */
final class OutputApi {

    private OutputApi() {
    }

    /** A following StreamOutput request for run command {@code job} on machine {@code m1}. */
    static StreamOutputRequest follow(String rg) {
        return follow(rg, "job");
    }

    /** A following StreamOutput request for a run command on machine {@code m1}. */
    static StreamOutputRequest follow(String rg, String name) {
        return StreamOutputRequest.newBuilder().setMachine(MachineRef.newBuilder().setSubscriptionId(Arm.SUB)
                .setResourceGroup(rg).setMachineName("m1")).setName(name).setFollow(true).build();
    }

    /** The output path of run command {@code job} on machine {@code m1}. */
    static String output(String rg) {
        return runCommand(rg, "m1", "job") + "/output";
    }

    /** The absolute URL of a path with the api-version; add more parameters with {@code &}. */
    static String url(String path) {
        return "http://localhost:" + RestAssured.port + path + "?api-version=" + Arm.VERSION;
    }

    /** The JSON data of an event. */
    static JsonPath json(SseClient.Event event) {
        return new JsonPath(event.data());
    }

    /**
     * Reads {@code count} output events, appends their text per stream, checks that each starts where the last
     * one of its stream ended, and returns the last id.
     */
    static String collect(SseClient sse, int count, StringBuilder stdout, StringBuilder stderr)
            throws InterruptedException {
        String id = null;
        for (int i = 0; i < count; i++) {
            SseClient.Event event = sse.next(10);
            assertNotNull(event, "event " + i + " did not come");
            JsonPath data = json(event);
            StringBuilder target = event.name().equals("stdout") ? stdout : stderr;
            assertEquals(bytes(target.toString()).length, data.getLong("offset"), "gap or duplicate at " + event);
            target.append(data.getString("data"));
            id = event.id();
        }
        return id;
    }

    /** Follows the output of run command {@code job} as plain text; completes with the body when it ends. */
    static CompletableFuture<String> followText(String rg) {
        HttpRequest follow = HttpRequest.newBuilder(URI.create(url(output(rg)) + "&follow=true")).header("Authorization", TestAuth.header())
                .header("Accept", "text/plain").build();
        return HttpClient.newHttpClient().sendAsync(follow, HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpResponse::body);
    }

    /** Reads the base64 event stream of run command {@code job} and checks it carries exactly these bytes. */
    static void assertBase64Exact(String rg, byte[] stdout, byte[] stderr) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (SseClient sse = SseClient.open(url(output(rg)) + "&follow=true&encoding=base64", Map.of())) {
            for (SseClient.Event e = sse.next(10); !e.name().equals("end"); e = sse.next(10)) {
                ByteArrayOutputStream target = e.name().equals("stdout") ? out : err;
                assertEquals(target.size(), json(e).getLong("offset"));
                target.writeBytes(Base64.getDecoder().decode(json(e).getString("data")));
            }
        }
        assertArrayEquals(stdout, out.toByteArray());
        assertArrayEquals(stderr, err.toByteArray());
    }

    /** The text of a chunk event, after checking its stream and offset. */
    static String chunkText(OutputEvent event, String stream, long offset) {
        assertTrue(event.hasChunk(), event.toString());
        assertEquals(stream, event.getChunk().getStream().name());
        assertEquals(offset, event.getChunk().getOffset());
        return event.getChunk().getData().toStringUtf8();
    }

    /** Checks that StreamOutput fails with this code. */
    static void assertCode(Status.Code code, RunCommandsGrpc.RunCommandsBlockingStub stub,
            StreamOutputRequest request) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.streamOutput(request)
                .hasNext());
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] slice(byte[] data, int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** Reproducible random bytes: any byte value, most of it not valid UTF-8. */
    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
