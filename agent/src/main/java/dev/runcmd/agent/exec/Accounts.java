package dev.runcmd.agent.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Looks up the local accounts scripts may run as ({@code run_as_user}), through
 * {@code getent passwd}, so that every account source the machine is configured for (files, LDAP,
 * SSSD) counts, and tells whether the agent itself runs as root.
 */
public final class Accounts {
    /** One account as the password database describes it. */
    public record Account(String name, int uid, int gid, String home) {}

    /** Names getent is asked about: POSIX-portable user names, never an option. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?");
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ENTRY_BYTES = 4096;

    private final ProcessSpawner spawner;

    /** Creates the lookup; {@code getent} runs through {@code spawner}. */
    public Accounts(ProcessSpawner spawner) {
        this.spawner = spawner;
    }

    /** True when the agent's effective user is root (uid 0). */
    public static boolean agentIsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The account named {@code name}, or empty when the machine has none of that name.
     *
     * @throws IOException when getent cannot be run or its answer cannot be read
     */
    public Optional<Account> find(String name) throws IOException, InterruptedException {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        ProcessSpawner.Result result = spawner.capture(LOOKUP_TIMEOUT, MAX_ENTRY_BYTES, "getent", "passwd", name);
        if (result.exitCode() == 2) {
            return Optional.empty();
        }
        if (result.exitCode() != 0) {
            throw new IOException("getent passwd failed with exit code " + result.exitCode());
        }
        return Optional.of(parse(result.stdout().lines().findFirst().orElse("")));
    }

    /** Parses one passwd line: name:password:uid:gid:gecos:home:shell. */
    static Account parse(String line) throws IOException {
        String[] fields = line.split(":", -1);
        if (fields.length < 7) {
            throw new IOException("unexpected getent passwd answer");
        }
        try {
            return new Account(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3]), fields[5]);
        } catch (NumberFormatException e) {
            throw new IOException("unexpected uid or gid in getent passwd answer");
        }
    }
}
