package dev.runcmd.agent.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code connect} takes the join token from: {@code --join-token @FILE} (a file only root reads),
 * {@code --join-token @-} (standard input), {@code --join-token TOKEN} (readable by every local user in
 * {@code /proc/PID/cmdline} while the command runs), or RUNCMD_JOIN_TOKEN. At most {@link #MAX_BYTES} are read,
 * and the token's text is never part of a message.
 */
final class JoinTokenSource {
    /** The most read from a file or standard input; a token is about a hundred characters. */
    static final int MAX_BYTES = 4096;

    /** The token's text, where it came from (for messages), and whether it was on the command line. */
    record Token(String text, String origin, boolean inArguments) {}

    private JoinTokenSource() {}

    /**
     * The token from {@code spec} (the {@code --join-token} value, may be null) or the environment.
     *
     * @throws IllegalArgumentException when there is none, or the file cannot be read
     */
    static Token resolve(String spec, Map<String, String> env, InputStream stdin) {
        if (spec == null) {
            String fromEnv = env.get("RUNCMD_JOIN_TOKEN");
            if (fromEnv == null || fromEnv.isBlank()) {
                throw new IllegalArgumentException("a join token is needed: --join-token @FILE, --join-token @- (read"
                        + " from standard input) or RUNCMD_JOIN_TOKEN; make one with 'runcmd machine join-token create'");
            }
            return new Token(fromEnv.trim(), "environment RUNCMD_JOIN_TOKEN", false);
        }
        if (!spec.startsWith("@")) {
            return new Token(spec.trim(), "flag --join-token", true);
        }
        String source = spec.substring(1);
        try {
            byte[] bytes;
            if (source.equals("-")) {
                bytes = stdin.readNBytes(MAX_BYTES);
            } else {
                try (InputStream in = Files.newInputStream(Path.of(source))) {
                    bytes = in.readNBytes(MAX_BYTES);
                }
            }
            String text = new String(bytes, StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("no join token in " + describe(source));
            }
            return new Token(text, describe(source), false);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the join token from " + describe(source) + ": "
                    + e.getMessage());
        }
    }

    private static String describe(String source) {
        return source.equals("-") ? "standard input" : "file " + source;
    }
}
