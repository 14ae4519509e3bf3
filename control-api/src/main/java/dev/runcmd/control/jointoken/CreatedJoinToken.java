package dev.runcmd.control.jointoken;

/**
 * A token just created: the one time its text, with the secret, exists outside the caller's hands.
 *
 * @param token the token text to give to {@code runcmd-agent --join-token}
 * @param row what is stored of it
 */
public record CreatedJoinToken(String token, JoinTokenEntity row) {

    /** Never the secret. */
    @Override
    public String toString() {
        return "CreatedJoinToken[" + row.id + "]";
    }
}
