package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmException;
import dev.runcmd.cli.http.CredentialException;
import java.io.PrintWriter;

/**
 * How a failed command is reported on stderr, and the exit code it ends with. An API error shows the ARM code and
 * message and the request and correlation ids (to find the call in the activity log); a 401 also says which
 * credential was sent and how to get one. Never prints a credential: only where it came from.
 */
public final class ErrorReport {

    private ErrorReport() {
    }

    /** Prints {@code failure} to {@code err}; answers the exit code. */
    public static int print(PrintWriter err, Throwable failure) {
        if (failure instanceof ArmException arm) {
            err.println("runcmd: " + arm);
            if (arm.requestId() != null || arm.correlationId() != null) {
                err.println("runcmd: request id " + orNone(arm.requestId()) + ", correlation id "
                        + orNone(arm.correlationId()));
            }
            if (arm.isUnauthenticated()) {
                err.println(arm.credentialSource() == null ? "runcmd: no credential was found, so none was sent."
                        : "runcmd: the credential sent came from " + arm.credentialSource() + ".");
                err.println("runcmd: " + HOW_TO_GET_ONE);
            } else if (arm.isForbidden()) {
                err.println("runcmd: the credential sent came from " + orNone(arm.credentialSource()) + "; an Owner "
                        + "of the scope can grant it a role: `runcmd role assignment create --role ROLE --assignee "
                        + "PRINCIPAL_ID --scope SCOPE`.");
            }
            err.flush();
            return arm.isUnauthenticated() || arm.isForbidden() ? ExitCodes.AUTH : ExitCodes.ERROR;
        }
        if (failure instanceof CredentialException credential) {
            err.println("runcmd: " + credential.getMessage());
            err.flush();
            return ExitCodes.AUTH;
        }
        err.println("runcmd: " + (failure.getMessage() != null ? failure.getMessage() : failure.toString()));
        err.flush();
        return ExitCodes.ERROR;
    }

    /** The hint after a 401 or when no credential is found. */
    static final String HOW_TO_GET_ONE = "Get a credential: `runcmd up` creates the local stack's owner token "
            + "(<data dir>/owner.token, which the CLI finds; data dir: RUNCMD_DATA_DIR, default ~/.runcmd/local); "
            + "`runcmd login` signs in to a remote install; or give a token with --token or RUNCMD_TOKEN.";

    private static String orNone(String value) {
        return value == null ? "(none)" : value;
    }
}
