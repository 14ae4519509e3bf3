package dev.runcmd.cli.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the built components live in a runcmd checkout, and the Java that runs them.
 *
 * @param home the checkout's root directory
 */
public record Artifacts(Path home) {

    /** The checkout root: {@code RUNCMD_HOME}, else {@code -Druncmd.home}, else guessed from this jar. */
    public static Artifacts locate(java.util.Map<String, String> env) {
        String configured = env.getOrDefault("RUNCMD_HOME", System.getProperty("runcmd.home"));
        if (configured != null && !configured.isBlank()) {
            return new Artifacts(Path.of(configured).toAbsolutePath().normalize());
        }
        try {
            Path jar = Path.of(Artifacts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // cli/target/cli.jar -> checkout root
            return new Artifacts(jar.getParent().getParent().getParent().toAbsolutePath().normalize());
        } catch (java.net.URISyntaxException e) {
            return new Artifacts(Path.of("").toAbsolutePath());
        }
    }

    public Path controlApiJar() {
        return home.resolve("control-api/target/quarkus-app/quarkus-run.jar");
    }

    public Path gatewayJar() {
        return home.resolve("gateway/target/quarkus-app/quarkus-run.jar");
    }

    public Path cliJar() {
        return home.resolve("cli/target/cli.jar");
    }

    public Path agentJar() {
        return home.resolve("agent/target/agent.jar");
    }

    /** The component jars that are not built yet; empty when everything is in place. */
    public List<Path> missing() {
        List<Path> missing = new ArrayList<>();
        for (Path jar : List.of(controlApiJar(), gatewayJar(), agentJar())) {
            if (!Files.isRegularFile(jar)) {
                missing.add(jar);
            }
        }
        return missing;
    }

    /** The java launcher running this process, so children use the same JDK. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
