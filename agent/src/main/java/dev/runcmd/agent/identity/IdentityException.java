package dev.runcmd.agent.identity;

/**
 * The agent has no identity it can use and cannot get one without an operator: no enrollment yet and no join token,
 * an expired certificate, a refused enrollment, another machine's identity. The message is one line that says what
 * to do; {@code Main} prints it and exits with code 1.
 */
public final class IdentityException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with its one-line message. */
    public IdentityException(String message) {
        super(message);
    }
}
