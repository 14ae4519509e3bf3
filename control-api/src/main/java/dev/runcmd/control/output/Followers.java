package dev.runcmd.control.output;

import dev.runcmd.control.config.ControlConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/** Starts followers: each one registered with the {@link OutputHub} for wake-ups until it ends. */
@ApplicationScoped
public class Followers {

    private final OutputReader reader;
    private final OutputHub hub;
    private final FollowTimings timings;
    private final Vertx vertx;

    Followers(OutputReader reader, OutputHub hub, ControlConfig config, Vertx vertx) {
        this.reader = reader;
        this.hub = hub;
        this.vertx = vertx;
        ControlConfig.Output output = config.output();
        this.timings = FollowTimings.of(output.pollInterval(), output.keepalive(), output.stallTimeout(),
                output.storeOutageTimeout());
    }

    /** Starts delivering one execution's output to the sink; see {@link #follow(FollowSource, FollowSink, ...)}. */
    public void follow(FollowSpec spec, OutputSink sink, Context context, FollowerQuota.Slot slot) {
        follow(new ExecutionSource(spec, reader), sink, context, slot);
    }

    /**
     * Starts delivering what the source reads to the sink. The follower runs on {@code context} (the request's
     * Vert.x context; null means a context of its own) and is registered before its first read, so no
     * notification between the two is missed; it gives the slot back when it ends.
     */
    public <S extends FollowSink> void follow(FollowSource<S> source, S sink, Context context,
            FollowerQuota.Slot slot) {
        Context home = context != null ? context : vertx.getOrCreateContext();
        new Follower<>(source, sink, home, timings, hub, slot::release).start();
    }
}
