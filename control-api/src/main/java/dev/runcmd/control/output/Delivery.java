package dev.runcmd.control.output;

/**
 * An event a follower has read and not yet handed to its sink. Delivered on the follower's context, in the order
 * read, each only while the sink is ready; after the last one the follower has ended.
 *
 * @param <S> the sink it is written to
 */
public interface Delivery<S extends FollowSink> {

    /** Writes the event to the sink. */
    void deliverTo(S sink);

    /** True for the event that ends the delivery (the follower ends before writing it). */
    default boolean isLast() {
        return false;
    }

    /** The last event, written by {@code write}. */
    static <S extends FollowSink> Delivery<S> last(Delivery<S> write) {
        return new Delivery<>() {
            @Override
            public void deliverTo(S sink) {
                write.deliverTo(sink);
            }

            @Override
            public boolean isLast() {
                return true;
            }
        };
    }
}
