package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Exit codes of the CLI. Commands that wait for a script exit with the script's own code; the
 * codes below stand for the outcomes that have none.
 */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** The API answered an error, or the execution failed without an exit code of its own. */
    public static final int ERROR = 1;
    /** Bad command-line usage (picocli's default). */
    public static final int USAGE = 2;
    /**
     * Not authenticated (no credential, or the API refused it: 401) or not authorized (403), as sysexits.h's
     * EX_NOPERM.
     */
    public static final int AUTH = 77;
    /** The execution hit its timeoutInSeconds (as timeout(1) does). */
    public static final int TIMED_OUT = 124;
    /** The execution was canceled (deleted, updated or canceled). */
    public static final int CANCELED = 125;
    /**
     * {@code run-command wait --timeout} passed before the execution ended, which keeps running (sysexits.h's
     * EX_TEMPFAIL: try again later).
     */
    public static final int WAIT_TIMED_OUT = 75;

    private ExitCodes() {
    }

    /** The exit code standing for a run command's terminal instanceView. */
    public static int of(JsonNode instanceView) {
        return of(instanceView.path("executionState").asText(), instanceView.path("exitCode").asInt(0));
    }

    /** The exit code standing for a terminal execution state and the script's exit code. */
    public static int of(String state, int exitCode) {
        return switch (state) {
            case "Succeeded" -> OK;
            case "TimedOut" -> TIMED_OUT;
            case "Canceled" -> CANCELED;
            default -> exitCode > 0 && exitCode < 256 ? exitCode : ERROR;
        };
    }
}
