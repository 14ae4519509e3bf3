package dev.runcmd.agent.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent's systemd service, which {@code connect} enables and (re)starts when systemd runs the machine. */
final class Systemd {
    /** The unit the packages install. */
    static final String UNIT = "runcmd-agent.service";
    /** How long one systemctl call may take. */
    static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;

    Systemd(Admin admin) {
        this.admin = admin;
    }

    /** True when systemd is the init system (the test systemd itself uses, sd_booted). */
    static boolean running() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }

    /** {@code systemctl enable} and {@code restart} the unit; returns the exit code for connect. */
    int enableAndRestart() throws InterruptedException {
        for (List<String> command : List.of(List.of("systemctl", "enable", "--quiet", UNIT),
                List.of("systemctl", "restart", UNIT))) {
            String failure = run(command);
            if (failure != null) {
                return admin.fail(Admin.FAILED, "enrolled, but '" + String.join(" ", command) + "' " + failure);
            }
        }
        admin.out().println("Started " + UNIT + " (see: systemctl status runcmd-agent)");
        return Admin.OK;
    }

    /** Runs {@code command} with this process's output; null when it succeeded, else why not. */
    private static String run(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).inheritIO().redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "did not end within " + TIMEOUT_SECONDS + " s";
            }
            return process.exitValue() == 0 ? null : "failed with exit code " + process.exitValue();
        } catch (IOException e) {
            return "could not run: " + e.getMessage();
        }
    }
}
