package dev.runcmd.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The local host name, and the default machine name derived from it. */
final class HostName {
    /** Longest machine name the resource model accepts. */
    static final int MAX_MACHINE_NAME = 54;

    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private HostName() {}

    /**
     * Returns the host name as the operating system reports it. The kernel's value is preferred
     * because it needs no name resolution; {@link InetAddress} is the portable fallback.
     */
    static String local() {
        try {
            String name = Files.readString(KERNEL_HOSTNAME, StandardCharsets.UTF_8).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc is not mounted: fall through to the portable lookup.
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Turns a host name into a valid machine name: characters outside {@code [a-zA-Z0-9-_.]} become
     * '-', and the result is cut to 54 characters; an empty result becomes "localhost".
     */
    static String toMachineName(String hostName) {
        String cleaned = hostName.replaceAll("[^a-zA-Z0-9_.-]", "-");
        if (cleaned.length() > MAX_MACHINE_NAME) {
            cleaned = cleaned.substring(0, MAX_MACHINE_NAME);
        }
        return cleaned.isEmpty() ? "localhost" : cleaned;
    }
}
