package dev.runcmd.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

import java.util.Base64;

/**
 * Follows a run command's output over the REST API's Server-Sent Events, exactly (base64 encoding),
 * and resumes after a dropped connection from the last event it received, so nothing is missed or
 * repeated.
 */
public final class OutputFollower {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives what the stream carries, on the following thread. */
    public interface Listener {
        /** Bytes of stdout ({@code stderr} false) or stderr, exactly as written. */
        void output(boolean stderr, byte[] bytes);

        /** A stream reached the output cap; later bytes of it were not stored. */
        void truncated(String stream, long capBytes);
    }

    /**
     * How the execution ended.
     *
     * @param executionId the execution
     * @param state its terminal execution state
     * @param exitCode its exit code
     * @param message its execution message
     */
    public record End(String executionId, String state, int exitCode, String message) {
    }

    private final ArmClient client;

    public OutputFollower(ArmClient client) {
        this.client = client;
    }

    /** Follows until the execution ends; answers its end. */
    public End follow(String runCommandPath, Listener listener)
            throws IOException, InterruptedException, ArmException, CredentialException {
        String query = runCommandPath + "/output?follow=true&encoding=base64";
        return ResumingEvents.follow(client, query, "execution", event -> handle(event, listener));
    }

    private static End handle(SseEvent event, Listener listener) throws IOException {
        JsonNode data = JSON.readTree(event.data());
        switch (event.event()) {
            case "stdout", "stderr" -> listener.output("stderr".equals(event.event()),
                    Base64.getDecoder().decode(data.path("data").asText()));
            case "truncated" -> listener.truncated(data.path("stream").asText(), data.path("capBytes").asLong());
            case "end" -> {
                return new End(data.path("executionId").asText(), data.path("executionState").asText(),
                        data.path("exitCode").asInt(), data.path("executionMessage").asText());
            }
            case "error" -> throw new IOException("the server ended the output stream: " + data.path("message").asText(event.data()));
            default -> { }
        }
        return null;
    }


}
