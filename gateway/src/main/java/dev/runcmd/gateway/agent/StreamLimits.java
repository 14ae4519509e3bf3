package dev.runcmd.gateway.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What every agent stream of this gateway obeys, read once from the configuration.
 *
 * @param ingestWindow messages read ahead (see {@link Inbox})
 * @param outboxLimit the outbox bound (see {@link dev.runcmd.gateway.session.Outbox})
 * @param maxMessagesPerSecond the sustained message rate allowed (see {@link MessageRate})
 * @param messageBurst the burst allowed above that rate
 * @param stopping true once the gateway shuts down: a Hello is then refused with UNAVAILABLE
 * @param helloTimeout how long a stream may stay open before its Hello arrives
 */
record StreamLimits(int ingestWindow, int outboxLimit, int maxMessagesPerSecond, int messageBurst,
                    BooleanSupplier stopping, Duration helloTimeout) {
}
