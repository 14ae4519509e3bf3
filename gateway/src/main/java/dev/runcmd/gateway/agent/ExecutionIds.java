package dev.runcmd.gateway.agent;

import java.util.Optional;
import java.util.UUID;

/**
 * Execution ids as agents send them: UUID strings. An id that is not a UUID names no execution.
 */
final class ExecutionIds {

    private ExecutionIds() {
    }

    /** The UUID, or empty when the text is not one (no execution can have that id). */
    static Optional<UUID> parse(String text) {
        if (text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }
}
