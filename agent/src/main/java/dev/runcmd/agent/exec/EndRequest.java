package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.ExitState;
import java.util.Optional;

/**
 * Why the agent ends an execution before its script finishes, and how that is reported: the state
 * and message its Exited carries.
 *
 * @param state the Exited state to report
 * @param message the Exited message to report
 */
public record EndRequest(ExitState state, String message) {
    /** The gateway sent Cancel with {@code reason}. */
    public static EndRequest canceled(String reason) {
        return new EndRequest(ExitState.CANCELED, "Canceled: " + reason);
    }

    /** The Run's timeout of {@code seconds} passed. */
    public static EndRequest timedOut(long seconds) {
        return new EndRequest(ExitState.TIMED_OUT, "Execution timed out after " + seconds + " s");
    }

    /**
     * The request read back from a run dir's {@code end} file ({@link #format()}); empty when the text is not one
     * (a torn or foreign file counts as no request).
     */
    static Optional<EndRequest> parse(String text) {
        int newline = text.indexOf('\n');
        if (newline < 0) {
            return Optional.empty();
        }
        try {
            ExitState state = ExitState.valueOf(text.substring(0, newline));
            return Optional.of(new EndRequest(state, text.substring(newline + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The request as the text of a run dir's {@code end} file: the state's name, a line feed, the message. */
    String format() {
        return state.name() + "\n" + message;
    }

    /** The agent itself is shutting down. */
    public static EndRequest agentStopped() {
        return new EndRequest(ExitState.CANCELED, "agent stopped");
    }
}
