package dev.runcmd.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Follows a job's merged output over the REST API's Server-Sent Events ({@code …/runCommandJobs/{name}/output}),
 * resuming after a dropped connection from the last event received, so nothing is missed or repeated.
 */
public final class JobFollower {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives what the stream carries, on the following thread. */
    public interface Listener {
        /** Text a target's script wrote to stdout ({@code stderr} false) or stderr. */
        void output(String machine, boolean stderr, String text);

        /** A target's execution ended. */
        void ended(String machine, String state, int exitCode, String message);
    }

    private final ArmClient client;

    public JobFollower(ArmClient client) {
        this.client = client;
    }

    /** Follows until the job ends; answers its provisioningState. */
    public String follow(String jobPath, Listener listener)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return follow(jobPath, true, listener);
    }

    /**
     * Reads the merged output, until the job ends ({@code follow}) or up to what is stored now; answers the job's
     * provisioningState as the stream's last event gave it.
     */
    public String follow(String jobPath, boolean follow, Listener listener)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return ResumingEvents.follow(client, jobPath + "/output?follow=" + follow, "job",
                event -> handle(event, listener));
    }

    /**
     * Follows only the targets' ends ({@code endsOnly=true}: the server sends no output) until the job ends;
     * answers its provisioningState. A server without that mode answers 400.
     */
    public String followEnds(String jobPath, Listener listener)
            throws IOException, InterruptedException, ArmException, CredentialException {
        return ResumingEvents.follow(client, jobPath + "/output?follow=true&endsOnly=true", "job",
                event -> handle(event, listener));
    }

    private static String handle(SseEvent event, Listener listener) throws IOException {
        if (event.event() == null) {
            return null;
        }
        JsonNode data = JSON.readTree(event.data());
        switch (event.event()) {
            case "output" -> listener.output(data.path("machine").asText(), "stderr".equals(data.path("stream").asText()),
                    data.path("text").asText());
            case "end" -> listener.ended(data.path("machine").asText(), data.path("executionState").asText(),
                    data.path("exitCode").asInt(), data.path("message").asText(""));
            case "done" -> {
                return data.path("provisioningState").asText("Unknown");
            }
            case "error" -> throw new IOException("the server ended the output stream: "
                    + data.path("message").asText(event.data()));
            default -> { }
        }
        return null;
    }
}
