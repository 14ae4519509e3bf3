package dev.runcmd.cli.auth;

import dev.runcmd.proto.pki.ApiToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local stack's owner token, {@code <data dir>/owner.token} (0600, its directory 0700): a runcmd token that the
 * control API, started by the stack with {@code runcmd.auth.bootstrap-owner-token-file}, makes hold the Owner role
 * at the root scope. The stack creates it on first start and keeps it across restarts; the CLI finds it there when
 * it talks to a control API on this machine.
 */
public final class OwnerToken {

    /** The file's name in the data directory. */
    public static final String FILE_NAME = "owner.token";

    private OwnerToken() {
    }

    /** {@code <dataDir>/owner.token}. */
    public static Path file(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /** The token in the data directory, created (a fresh {@link ApiToken}) if absent. */
    public static ApiToken readOrCreate(Path dataDir) throws IOException {
        PrivateFiles.createIfAbsent(file(dataDir), ApiToken.generate().text() + "\n");
        return read(dataDir).orElseThrow(() -> new NoSuchFileException(file(dataDir).toString()));
    }

    /** The token in the data directory, if the file exists; IOException naming the file if it is malformed. */
    public static Optional<ApiToken> read(Path dataDir) throws IOException {
        Path file = file(dataDir);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        try {
            return Optional.of(ApiToken.parse(text.strip()));
        } catch (IllegalArgumentException malformed) {
            throw new IOException(file + " does not hold a runcmd token (" + malformed.getMessage()
                    + "); delete it and start `runcmd up` again to create a new one", malformed);
        }
    }
}
