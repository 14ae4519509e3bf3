package dev.runcmd.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The time Ansible takes to run {@code true} on {@link #HOSTS} hosts, the way its users fan out: an ad-hoc
 * {@code ansible all -m command -a true} over ssh, with its default 5 forks and with 50. The hosts are the bench's
 * private sshd under {@value #HOSTS} inventory names, each with its own ssh connection and ControlMaster socket (as
 * separate machines would have: Ansible's default socket name would otherwise be shared by hosts of one address);
 * skipped when {@code ansible} is not installed (Debian: {@code ansible-core}).
 */
final class AnsibleBaseline {

    /** How many hosts: the size of the fan-out Ansible is timed on. */
    static final int HOSTS = 100;

    /**
     * Seconds for one ad-hoc run over every host.
     *
     * @param defaultForks with Ansible's default of 5 forks
     * @param fiftyForks with {@code --forks 50}
     * @param notMeasured why there are no figures, or null
     */
    record Result(double defaultForks, double fiftyForks, String notMeasured) {
        static Result skipped(String why) {
            return new Result(Double.NaN, Double.NaN, why);
        }
    }

    private AnsibleBaseline() {
    }

    /** Times the runs against the sshd on {@code port} whose client key is {@code dir/id_ed25519}. */
    static Result measure(Path dir, int port) throws Exception {
        if (Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .noneMatch(p -> Files.isExecutable(Path.of(p, "ansible")))) {
            return Result.skipped("ansible is not installed (apt-get install ansible-core)");
        }
        Path inventory = dir.resolve("inventory.ini");
        List<String> hosts = new ArrayList<>(List.of("[fleet]"));
        for (int i = 1; i <= HOSTS; i++) {
            hosts.add("h" + i + " ansible_host=127.0.0.1 ansible_port=" + port + " ansible_control_path="
                    + dir.resolve("cp-h" + i));
        }
        Files.write(inventory, hosts);
        Map<String, String> environment = Map.of(
                "ANSIBLE_HOST_KEY_CHECKING", "False",
                "ANSIBLE_PRIVATE_KEY_FILE", dir.resolve("id_ed25519").toString(),
                "ANSIBLE_REMOTE_USER", System.getProperty("user.name"),
                "ANSIBLE_LOCAL_TEMP", dir.resolve("ansible-local").toString(),
                "ANSIBLE_PYTHON_INTERPRETER", "auto_silent");
        try {
            double fiveForks = time(inventory, environment, 5);
            double fiftyForks = time(inventory, environment, 50);
            return new Result(fiveForks, fiftyForks, null);
        } catch (IllegalStateException failed) {
            return Result.skipped(failed.getMessage());
        }
    }

    private static double time(Path inventory, Map<String, String> environment, int forks) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("ansible", "all", "-i", inventory.toString(), "-m", "command",
                "-a", "true", "--forks", Integer.toString(forks), "-o")
                .directory(inventory.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(inventory.resolveSibling("ansible-" + forks + ".log").toFile());
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process ansible = builder.start();
        if (!ansible.waitFor(10, TimeUnit.MINUTES)) {
            ansible.destroyForcibly();
            throw new IllegalStateException("ansible with " + forks + " forks ran over 10 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (ansible.exitValue() != 0) {
            throw new IllegalStateException("ansible with " + forks + " forks exited with " + ansible.exitValue()
                    + ": " + Files.readString(inventory.resolveSibling("ansible-" + forks + ".log")).strip());
        }
        return seconds;
    }
}
