package dev.runcmd.control.output;

import java.util.List;

/**
 * What one read of a {@link FollowSource} found.
 *
 * @param events the events to deliver, in order; the last one, when present, ends the follower
 * @param more true when more may be stored already: read again as soon as these are delivered
 * @param failure why the follower must end without a last event (the followed thing was deleted), or null
 * @param <S> the sink the events are written to
 */
public record Round<S extends FollowSink>(List<Delivery<S>> events, boolean more, FollowFailure failure) {

    /** Copies the events. */
    public Round {
        events = List.copyOf(events);
    }

    /** A round that ends the follower with {@code failure}. */
    public static <S extends FollowSink> Round<S> failed(FollowFailure failure) {
        return new Round<>(List.of(), false, failure);
    }
}
