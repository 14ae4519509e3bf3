package dev.runcmd.control.output.http;

import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.StdStream;
import java.util.UUID;

/** The stored bytes of one stream, exactly ({@code application/octet-stream}); nothing else goes in the body. */
final class RawFormat implements BodyFormat {

    @Override
    public byte[] prologue() {
        return null;
    }

    @Override
    public byte[] chunk(StdStream stream, long offset, byte[] data) {
        return data;
    }

    @Override
    public byte[] truncated(StdStream stream, long capBytes) {
        return null;
    }

    @Override
    public byte[] keepalive() {
        return null;
    }

    @Override
    public byte[] end(UUID executionId, ExecutionStatus status) {
        return null;
    }

    @Override
    public byte[] error(FollowFailure failure) {
        return null;
    }
}
