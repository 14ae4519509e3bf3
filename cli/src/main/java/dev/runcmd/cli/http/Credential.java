package dev.runcmd.cli.http;

import java.io.IOException;
import java.util.Objects;

/**
 * What a request to the control API presents as {@code Authorization: Bearer <token>}. Implementations never
 * reveal the token in {@link #toString()} or {@link #source()}: those go into error messages and traces.
 */
public interface Credential {

    /**
     * The bearer token to send now, or null to send none. May refresh an expired token first (an OIDC login),
     * so it may block and fail.
     */
    String bearerToken() throws IOException, InterruptedException, CredentialException;

    /** Where the token comes from, for messages: {@code --token}, {@code RUNCMD_TOKEN}, a file's path... */
    String source();

    /** No credential: requests carry no {@code Authorization} header (the server answers 401). */
    static Credential none() {
        return None.INSTANCE;
    }

    /** A fixed bearer token, from {@code source}. */
    static Credential bearer(String token, String source) {
        return new Fixed(Objects.requireNonNull(token, "token"), source);
    }

    /** The credential standing for nothing. */
    enum None implements Credential {
        /** The one instance. */
        INSTANCE;

        @Override
        public String bearerToken() {
            return null;
        }

        @Override
        public String source() {
            return "none";
        }
    }

    /** A token given once (a flag, a variable, a file); it is sent as is, never refreshed. */
    final class Fixed implements Credential {
        private final String token;
        private final String source;

        private Fixed(String token, String source) {
            this.token = token;
            this.source = source;
        }

        @Override
        public String bearerToken() {
            return token;
        }

        @Override
        public String source() {
            return source;
        }

        /** Never the token. */
        @Override
        public String toString() {
            return "Credential[" + source + "]";
        }
    }
}
