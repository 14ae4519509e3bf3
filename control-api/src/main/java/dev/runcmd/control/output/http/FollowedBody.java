package dev.runcmd.control.output.http;

import dev.runcmd.control.output.FollowerQuota;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * A response whose body a follower writes: found first ({@code target}, which may fail with an ARM error before
 * any header is sent), then streamed. The caller's follower slot, taken before, is given back if the target is
 * not found or the client leaves first; otherwise the follower gives it back when it ends.
 */
final class FollowedBody {

    private FollowedBody() {
    }

    /** {@code start} hands the emitter to a follower; it runs once the client subscribes to the body. */
    static <T> RestMulti<byte[]> respond(FollowerQuota.Slot slot, Uni<T> target,
            BiConsumer<T, MultiEmitter<? super byte[]>> start, Function<T, Map<String, List<String>>> headers) {
        return RestMulti.fromUniResponse(target
                        .onFailure().invoke(slot::release)
                        .onCancellation().invoke(slot::release),
                found -> Multi.createFrom().<byte[]>emitter(emitter -> start.accept(found, emitter),
                        BackPressureStrategy.ERROR).onCancellation().invoke(slot::release),
                headers);
    }
}
