package dev.runcmd.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inspects the packages the build just made: the .deb with {@code dpkg-deb} (paths, owners and modes, conffiles,
 * Depends, the unit's KillMode, the version dpkg sees) and the tarball by running its bundled runtime. Runs in the
 * integration-test phase, after package.
 */
class PackagesTest {
    private static final Path DIST = Path.of(System.getProperty("dist.dir", "target"));
    private static final String VERSION = System.getProperty("dist.version", "0.1.0-SNAPSHOT");
    private static final Path DEB = DIST.resolve("runcmd-agent_" + VERSION.replace("-SNAPSHOT", "~SNAPSHOT")
            + "_all.deb");
    private static final Path TARBALL = DIST.resolve(System.getProperty("dist.tarball",
            "runcmd-agent-" + VERSION + "-linux-x64") + ".tar.gz");

    /** One line of {@code dpkg-deb -c}: mode and owner, by path (without the leading "."). */
    private static Map<String, String> contents() throws Exception {
        return run(List.of("dpkg-deb", "-c", DEB.toString())).lines()
                .map(line -> line.split("\\s+"))
                .collect(Collectors.toMap(words -> words[5].substring(1), words -> words[0] + " " + words[1],
                        (a, b) -> a));
    }

    @Test
    void debInstallsTheAgentTheLauncherTheUnitAndRootOnlyState() throws Exception {
        requireDpkgDeb();
        Map<String, String> files = contents();
        assertEquals("-rw-r--r-- root/root", files.get("/usr/lib/runcmd-agent/agent.jar"));
        assertEquals("-rwxr-xr-x root/root", files.get("/usr/bin/runcmd-agent"));
        assertEquals("-rw-r--r-- root/root", files.get("/lib/systemd/system/runcmd-agent.service"));
        assertEquals("-rw-r----- root/root", files.get("/etc/runcmd/agent.properties"));
        assertEquals("-rw-r--r-- root/root", files.get("/etc/runcmd/agent-policy.properties"));
        assertEquals("drwx------ root/root", files.get("/var/lib/runcmd-agent/"));
        assertTrue(files.keySet().stream().anyMatch(path -> path.matches("/usr/lib/runcmd-agent/lib/grpc-netty-shaded-.*\\.jar")),
                "the agent's libraries: " + files.keySet());
        assertTrue(files.keySet().stream().noneMatch(path -> path.contains("bcprov") || path.contains("junit")),
                "no test or CA-side libraries: " + files.keySet());
    }

    @Test
    void debDeclaresConffilesJavaDependencyAndDpkgVersion() throws Exception {
        requireDpkgDeb();
        assertEquals("/etc/runcmd/agent.properties\n/etc/runcmd/agent-policy.properties",
                run(List.of("dpkg-deb", "-I", DEB.toString(), "conffiles")).strip());
        Map<String, String> fields = run(List.of("dpkg-deb", "-f", DEB.toString())).lines()
                .filter(line -> !line.startsWith(" ") && line.contains(": "))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(": ")),
                        line -> line.substring(line.indexOf(": ") + 2)));
        assertEquals("runcmd-agent", fields.get("Package"));
        assertEquals(VERSION.replace("-SNAPSHOT", "~SNAPSHOT"), fields.get("Version"));
        assertEquals("all", fields.get("Architecture"));
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless | openjdk-17-jre-headless, util-linux",
                fields.get("Depends"));
        String info = run(List.of("dpkg-deb", "-I", DEB.toString()));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertTrue(info.contains("*  " + script), script + " is an executable maintainer script:\n" + info);
        }
    }

    @Test
    void unitKeepsScriptsAcrossRestartsAndWaitsForAnIdentity(@TempDir Path dir) throws Exception {
        requireDpkgDeb();
        run(List.of("dpkg-deb", "-x", DEB.toString(), dir.toString()));
        List<String> unit = Files.readAllLines(dir.resolve("lib/systemd/system/runcmd-agent.service"));
        assertTrue(unit.contains("KillMode=process"), "KillMode=process: " + unit);
        assertTrue(unit.contains("Restart=always"), "Restart=always: " + unit);
        assertTrue(unit.contains("After=network-online.target"), unit.toString());
        assertTrue(unit.contains("ConditionPathExists=/var/lib/runcmd-agent/identity/cert.pem"), unit.toString());
        assertTrue(unit.contains("ExecStart=/usr/bin/runcmd-agent run"), unit.toString());
        List<String> launcher = Files.readAllLines(dir.resolve("usr/bin/runcmd-agent"));
        assertTrue(launcher.stream().anyMatch(line -> line.contains("-jar /usr/lib/runcmd-agent/agent.jar")),
                launcher.toString());
        assertTrue(Files.readString(dir.resolve("etc/runcmd/agent.properties"))
                .contains("\nwork-dir = /var/lib/runcmd-agent\n"));
    }

    @Test
    void tarballRuntimeRunsTheAgent(@TempDir Path dir) throws Exception {
        run(List.of("tar", "-xzf", TARBALL.toString(), "-C", dir.toString()));
        Path root;
        try (var entries = Files.list(dir)) {
            root = entries.findFirst().orElseThrow();
        }
        String help = run(List.of(root.resolve("bin/runcmd-agent").toString(), "--help"));
        assertTrue(help.contains("runcmd-agent connect --join-token @FILE"), help);
        String modules = run(List.of(root.resolve("runtime/bin/java").toString(), "--list-modules"));
        assertTrue(modules.contains("jdk.crypto.ec@"), "EC keys for the machine identity: " + modules);
        assertTrue(!modules.contains("java.desktop@"), "a trimmed runtime: " + modules);
        // show reads the configuration and the (absent) identity with the bundled runtime alone.
        String show = run(List.of(root.resolve("bin/runcmd-agent").toString(), "show", "-o", "json",
                "--config", dir.resolve("none.properties").toString(), "--work-dir", dir.resolve("work").toString(),
                "--gateway", "gw.example:9090"));
        assertTrue(show.contains("\"status\": \"not enrolled\""), show);
        assertTrue(show.contains("\"gw.example:9090\""), show);
        assertTrue(Files.isExecutable(root.resolve("install.sh")));
        assertTrue(Files.exists(root.resolve("systemd/runcmd-agent.service")));
    }

    private static void requireDpkgDeb() {
        Assumptions.assumeTrue(Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "dpkg-deb"))), "dpkg-deb is not installed");
    }

    /** Runs {@code command}; returns its stdout, failing the test on a non-zero exit or after 60 s. */
    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ended: " + command);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + text);
        return text;
    }
}
