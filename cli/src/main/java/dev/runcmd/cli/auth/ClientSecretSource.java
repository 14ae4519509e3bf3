package dev.runcmd.cli.auth;

import dev.runcmd.cli.http.CredentialException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where an OAuth client secret is read from each time it is needed: an environment variable or a file. The secret
 * itself is never stored by the CLI nor given on a command line.
 *
 * @param environmentVariable the variable's name, or null
 * @param file the file (its whole content, trimmed), or null
 */
public record ClientSecretSource(String environmentVariable, Path file) {

    /** The secret; CredentialException saying which variable or file lacks it. */
    public String read(Map<String, String> env) throws CredentialException {
        if (environmentVariable != null) {
            String value = env.get(environmentVariable);
            if (value == null || value.isBlank()) {
                throw new CredentialException("the client secret's environment variable " + environmentVariable
                        + " is not set");
            }
            return value.strip();
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new CredentialException("the client secret file " + file + " is empty");
            }
            return value;
        } catch (NoSuchFileException e) {
            throw new CredentialException("the client secret file " + file + " does not exist");
        } catch (IOException e) {
            throw new CredentialException("cannot read the client secret file " + file + ": " + e.getMessage(), e);
        }
    }

    /** How it is found, for messages: never the secret. */
    @Override
    public String toString() {
        return environmentVariable != null ? "environment variable " + environmentVariable : "file " + file;
    }
}
