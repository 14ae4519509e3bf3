package dev.runcmd.cli.command;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Defaults shared by the local stack and the client commands, so both address the same machine. */
final class Defaults {

    static final String SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
    static final String RESOURCE_GROUP = "local";
    static final String LOCATION = "local";

    private Defaults() {
    }

    /** {@code RUNCMD_MACHINE_NAME}, else this host's name made a valid machine name. */
    static String machineName() {
        String configured = System.getenv("RUNCMD_MACHINE_NAME");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        String cleaned = host.replaceAll("[^a-zA-Z0-9-_.]", "-");
        return cleaned.isEmpty() ? "localhost" : cleaned.substring(0, Math.min(54, cleaned.length()));
    }
}
