package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The public gRPC API from a second language: a Node.js client ({@code @grpc/grpc-js} with
 * {@code @grpc/proto-loader} reading the repository's {@code runcmd.proto}) creates a run command with an inline
 * bash script on the real stack, reads it back once the agent ran it, lists its executions, reads its operation,
 * pages through the machine's run commands one at a time until the tokens end (and has a bad page size and token
 * refused), and checks that invalid requests are INVALID_ARGUMENT with REST's message
 * ({@code e2e/src/test/node/grpc-client}).
 * The client's packages are installed from its package-lock.json with {@code npm ci} into the build directory on
 * first use, as Azurite is.
 */
class GrpcFromNodeEndToEndTest {

    private static final List<String> STEPS = List.of("ok create", "ok read", "ok executions", "ok operation",
            "ok list-pages", "ok invalid", "ok update-mask");

    @Test
    void aNodeClientCreatesReadsPagesListsAndIsRefusedAsRestIs() throws Exception {
        Stack stack = Stack.get();
        Path home = Path.of(System.getProperty("runcmd.home", "."));
        Path client = install(home);
        Path log = client.resolve("parity.log");
        ProcessBuilder node = new ProcessBuilder("node", "parity.mjs").directory(client.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(Map.of(
                "RUNCMD_ADDRESS", "127.0.0.1:" + stack.apiPort(),
                "RUNCMD_TOKEN", stack.token(),
                "RUNCMD_SUBSCRIPTION", Stack.SUBSCRIPTION,
                "RUNCMD_RESOURCE_GROUP", Stack.RESOURCE_GROUP,
                "RUNCMD_MACHINE", Stack.MAIN_MACHINE,
                "RUNCMD_PROTO_DIR", home.resolve("proto/src/main/proto").toAbsolutePath().toString(),
                "RUNCMD_NAME", "node-grpc"));
        Process process = node.start();

        boolean ended = process.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertEquals(true, ended, "the client ended within 2 minutes: " + output);
        assertEquals(0, process.exitValue(), output);
        assertEquals(STEPS, output.lines().filter(line -> line.startsWith("ok ")).toList(), output);
    }

    /** Copies the client into the build directory and installs its locked packages there once. */
    private static Path install(Path home) throws IOException, InterruptedException {
        Path source = home.resolve("e2e/src/test/node/grpc-client");
        Path target = home.resolve("e2e/target/grpc-client");
        Files.createDirectories(target);
        for (String file : List.of("package.json", "package-lock.json", "parity.mjs")) {
            Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(target.resolve("node_modules/@grpc/grpc-js"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(target.toFile())
                    .redirectErrorStream(true).redirectOutput(target.resolve("npm-ci.log").toFile()).start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IOException("npm ci of the gRPC client failed; see " + target.resolve("npm-ci.log"));
            }
        }
        return target;
    }
}
