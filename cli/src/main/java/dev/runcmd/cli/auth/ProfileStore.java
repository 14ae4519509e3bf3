package dev.runcmd.cli.auth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The login profile file, {@code <config dir>/profile.json} (0600 in a 0700 directory): at most one login at a
 * time; {@code runcmd login} replaces it, {@code runcmd logout} deletes it, commands refresh its tokens in place.
 */
public final class ProfileStore {

    /** The file's name in the configuration directory. */
    public static final String FILE_NAME = "profile.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public ProfileStore(Path configDir) {
        this.file = configDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** The stored login, if any; IOException naming the file when it cannot be read as one. */
    public Optional<Profile> load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        Profile profile;
        try {
            profile = JSON.readValue(bytes, Profile.class);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the file, tokens included: say only where it broke.
            JsonLocation where = e.getLocation();
            throw unreadable("it is not valid JSON" + (where == null ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr()));
        }
        if (profile == null || profile.endpoint() == null || profile.accessToken() == null) {
            throw unreadable("it lacks the endpoint or the access token");
        }
        return Optional.of(profile);
    }

    private IOException unreadable(String why) {
        return new IOException("cannot read the login profile " + file + ": " + why
                + "; `runcmd logout` deletes it, `runcmd login` makes a new one");
    }

    /** Stores {@code profile}, replacing any other, atomically. */
    public void save(Profile profile) throws IOException {
        PrivateFiles.write(file, JSON.writeValueAsString(profile) + "\n");
    }

    /** Deletes the stored login; answers whether there was one. */
    public boolean delete() throws IOException {
        return Files.deleteIfExists(file);
    }
}
