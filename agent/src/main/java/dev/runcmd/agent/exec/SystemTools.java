package dev.runcmd.agent.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the system programs the agent starts as root around a script ({@code setsid}, {@code setpriv}) in the
 * system's own directories, never through a PATH: the agent's PATH may hold a directory someone else can write,
 * and a script's PATH parameter must never pick what root runs.
 */
final class SystemTools {

    /** Where system programs live, searched in this order. */
    static final List<Path> DIRECTORIES = List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"),
            Path.of("/sbin"));

    private SystemTools() {
    }

    /** The absolute path of {@code name}, or empty when no system directory has an executable of that name. */
    static Optional<String> find(String name) {
        return DIRECTORIES.stream().map(dir -> dir.resolve(name))
                .filter(path -> Files.isRegularFile(path) && Files.isExecutable(path))
                .map(Path::toString)
                .findFirst();
    }

    /** The absolute path of {@code name}; fails the run, naming the directories searched, when there is none. */
    static String require(String name) throws ExecutionFailure {
        return find(name).orElseThrow(() -> new ExecutionFailure(name + " is not installed (looked in "
                + String.join(", ", DIRECTORIES.stream().map(Path::toString).toList()) + ")"));
    }
}
