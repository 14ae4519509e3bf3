package dev.runcmd.bench;

import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The time of {@code ssh 127.0.0.1 true}, the baseline a run command competes with: a private {@code sshd} on a free
 * loopback port, with its own config, throwaway host key and authorized key in a temporary directory (the system's
 * sshd and ~/.ssh are not used), timed with a new connection each time and over one multiplexed connection
 * (ControlMaster). Without {@code sshd}, it is installed with apt-get when this runs as root. The account's shell
 * start-up files are not part of the time: the private sshd marks the session's shell as nested, so bash does not
 * source {@code ~/.bashrc} for the command.
 */
final class SshBaseline {

    /** The medians in milliseconds, or why there are none. */
    record Result(double newConnectionMillis, double multiplexedMillis, AnsibleBaseline.Result ansible,
            String notMeasured) {
        static Result skipped(String why) {
            return new Result(Double.NaN, Double.NaN, AnsibleBaseline.Result.skipped(why), why);
        }
    }

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Path PRIVSEP_DIR = Path.of("/run/sshd");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private SshBaseline() {
    }

    /** Times {@code newRuns} new connections and {@code multiplexedRuns} multiplexed ones; medians in ms. */
    static Result measure(int newRuns, int multiplexedRuns) throws Exception {
        Optional<String> missing = ensureInstalled();
        if (missing.isPresent()) {
            return Result.skipped(missing.get());
        }
        Path dir = Files.createTempDirectory("runcmd-bench-ssh-");
        Process sshd = null;
        try {
            int port = Ports.free();
            Path config = writeKeysAndConfig(dir, port);
            Files.createDirectories(PRIVSEP_DIR); // sshd running as root insists on its privilege separation dir
            sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (!awaitListening(port, sshd)) {
                return Result.skipped("sshd did not listen: " + Files.readString(dir.resolve("sshd.log")).strip());
            }
            List<String> plain = client(dir, port, List.of());
            List<String> multiplexed = client(dir, port, List.of("-o", "ControlMaster=auto",
                    "-o", "ControlPath=" + dir.resolve("cm-%C"), "-o", "ControlPersist=60"));
            double fresh = median(time(plain, 2, newRuns));
            double shared = median(time(multiplexed, 1, multiplexedRuns));
            List<String> exit = new ArrayList<>(multiplexed);
            exit.addAll(exit.size() - 2, List.of("-O", "exit"));
            run(exit.subList(0, exit.size() - 1));
            return new Result(fresh, shared, AnsibleBaseline.measure(dir, port), null);
        } finally {
            if (sshd != null) {
                sshd.destroy();
                sshd.waitFor(5, TimeUnit.SECONDS);
            }
            TempDirs.delete(dir);
        }
    }

    /** What a caller does with the private sshd: given the command line of {@code ssh ... true} (a new connection). */
    interface WithServer<T> {
        T apply(List<String> newConnectionCommand) throws Exception;
    }

    /**
     * Starts the private sshd, hands {@code body} the command line of {@code ssh 127.0.0.1 true} over a new connection,
     * and stops it again; empty when sshd cannot be had (and why is printed).
     */
    static <T> Optional<T> withServer(WithServer<T> body) throws Exception {
        Optional<String> missing = ensureInstalled();
        if (missing.isPresent()) {
            System.out.println("ssh baseline not measured: " + missing.get());
            return Optional.empty();
        }
        Path dir = Files.createTempDirectory("runcmd-bench-ssh-");
        Process sshd = null;
        try {
            int port = Ports.free();
            Path config = writeKeysAndConfig(dir, port);
            Files.createDirectories(PRIVSEP_DIR);
            sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (!awaitListening(port, sshd)) {
                System.out.println("ssh baseline not measured: sshd did not listen");
                return Optional.empty();
            }
            return Optional.ofNullable(body.apply(client(dir, port, List.of())));
        } finally {
            if (sshd != null) {
                sshd.destroy();
                sshd.waitFor(5, TimeUnit.SECONDS);
            }
            TempDirs.delete(dir);
        }
    }

    /** Empty when sshd and ssh are there (installing openssh-server if root); otherwise why not. */
    private static Optional<String> ensureInstalled() throws Exception {
        if (Files.isExecutable(SSHD) && onPath("ssh") && onPath("ssh-keygen")) {
            return Optional.empty();
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("sshd is not installed and this does not run as root to install openssh-server");
        }
        System.out.println("Installing openssh-server with apt-get for the ssh baseline ...");
        Map<String, String> noninteractive = Map.of("DEBIAN_FRONTEND", "noninteractive");
        if (run(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "openssh-server",
                "openssh-client"), noninteractive, Duration.ofMinutes(5)) != 0) {
            run(List.of("apt-get", "update", "-q"), noninteractive, Duration.ofMinutes(5));
            run(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "openssh-server",
                    "openssh-client"), noninteractive, Duration.ofMinutes(5));
        }
        return Files.isExecutable(SSHD) && onPath("ssh") ? Optional.empty()
                : Optional.of("apt-get could not install openssh-server");
    }

    private static Path writeKeysAndConfig(Path dir, int port) throws Exception {
        Path hostKey = dir.resolve("host_ed25519");
        Path clientKey = dir.resolve("id_ed25519");
        for (Path key : List.of(hostKey, clientKey)) {
            require(run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "runcmd-bench", "-f",
                    key.toString())), "ssh-keygen");
        }
        Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
        Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " "
                + Files.readString(Path.of(hostKey + ".pub")));
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "AuthenticationMethods publickey",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "UsePAM no",
                "StrictModes no",
                "MaxStartups 100",
                // sshd runs a command through the account's shell, and bash (built with SSH_SOURCE_BASHRC, as
                // Debian's is) then sources ~/.bashrc unless it is a nested shell; a .bashrc that runs `pyenv init`
                // alone costs about 1 s. The baseline times ssh, not an account's shell start-up: runcmd's runs
                // source no start-up file either.
                "SetEnv SHLVL=1",
                "") );
        return config;
    }

    /** The ssh command line for {@code true} on the private sshd, with {@code options} before the host. */
    private static List<String> client(Path dir, int port, List<String> options) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", Integer.toString(port),
                "-i", dir.resolve("id_ed25519").toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"),
                "-o", "LogLevel=ERROR"));
        command.addAll(options);
        command.addAll(List.of("127.0.0.1", "true"));
        return command;
    }

    /** Runs {@code command} {@code warmup} times untimed, then {@code runs} times; answers each time in ms. */
    private static List<Double> time(List<String> command, int warmup, int runs) throws Exception {
        for (int i = 0; i < warmup; i++) {
            require(run(command), String.join(" ", command));
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            require(run(command), "ssh");
            millis.add((System.nanoTime() - start) / 1e6);
        }
        return millis;
    }

    private static boolean awaitListening(int port, Process sshd) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline) && sshd.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    private static int run(List<String> command) throws Exception {
        return run(command, Map.of(), COMMAND_TIMEOUT);
    }

    /** Runs {@code command} with its output discarded (it may name keys, never secrets); answers its exit code. */
    private static int run(List<String> command, Map<String, String> environment, Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static void require(int exitCode, String what) {
        if (exitCode != 0) {
            throw new IllegalStateException(what + " exited with " + exitCode);
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return Main.percentile(sorted, 50);
    }
}
