package dev.runcmd.control.output.http;

import static dev.runcmd.control.output.http.SseFormat.bytes;
import static dev.runcmd.control.output.http.SseFormat.event;
import static dev.runcmd.control.output.http.SseFormat.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.job.output.JobCursor;
import dev.runcmd.control.job.output.TargetEnd;
import dev.runcmd.control.job.output.TargetOutput;
import dev.runcmd.control.output.FollowFailure;

/**
 * A job's merged output as Server-Sent Events: {@code output}, {@code end} per target and a last {@code done},
 * each with {@code id:} the {@link JobCursor} token that resumes right after it (docs/api.md). The text of an
 * output event never splits a UTF-8 character: the source holds a trailing incomplete one back.
 */
final class JobSseFormat implements JobBodyFormat {

    private final ObjectMapper mapper;

    JobSseFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public byte[] prologue() {
        return bytes(": runcmd job output\n\n");
    }

    @Override
    public byte[] output(TargetOutput output, JobCursor at) {
        return identified(at, "output", new SseEvents.JobOutput(output.machine(), output.stream().label(),
                output.offset(), output.text()));
    }

    @Override
    public byte[] end(TargetEnd end, JobCursor at) {
        return identified(at, "end", new SseEvents.JobEnd(end.machine(), end.executionState(), end.exitCode(),
                end.message()));
    }

    @Override
    public byte[] done(String provisioningState, JobCursor at) {
        return identified(at, "done", new SseEvents.JobDone(provisioningState));
    }

    @Override
    public byte[] keepalive() {
        return bytes(": keepalive\n\n");
    }

    @Override
    public byte[] error(FollowFailure failure) {
        return SseFormat.errorEvent(mapper, failure);
    }

    private byte[] identified(JobCursor at, String name, Object data) {
        return bytes("id: " + at.token() + "\n" + event(name, json(mapper, data)));
    }
}
