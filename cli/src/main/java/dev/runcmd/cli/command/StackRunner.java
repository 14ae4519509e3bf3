package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.auth.CredentialResolver;
import dev.runcmd.cli.auth.OwnerToken;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmException;
import dev.runcmd.cli.http.Credential;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.Artifacts;
import dev.runcmd.cli.local.LocalStack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Starts the local stack in order and waits until the local agent's machine is Connected. */
final class StackRunner {

    /** Where the started stack listens. */
    record Endpoints(int apiPort, int apiManagementPort, int gatewayPort, int gatewayHttpPort, int dbPort,
                     Path dataDir, AgentIdentity agent) {
        String api() {
            return "http://127.0.0.1:" + apiPort;
        }
    }

    private StackRunner() {
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    static LocalStack start(Endpoints endpoints, boolean withAgent, PrintStream log) throws Exception {
        Artifacts artifacts = Artifacts.locate(System.getenv());
        if (!artifacts.missing().isEmpty()) {
            throw new IOException("not built yet: " + artifacts.missing() + " (run ./runcmd, which builds them, or ./mvnw package -DskipTests)");
        }
        LocalStack stack = new LocalStack(artifacts, endpoints.dataDir());
        try {
            log.println("runcmd: starting PostgreSQL on 127.0.0.1:" + endpoints.dbPort() + " (data in " + endpoints.dataDir() + ")");
            stack.startDatabase(endpoints.dbPort());
            log.println("runcmd: starting the control API and a gateway");
            stack.startServices(endpoints.apiPort(), endpoints.apiManagementPort(), "gw-local", endpoints.gatewayPort(), endpoints.gatewayHttpPort());
            if (withAgent) {
                log.println("runcmd: starting the agent for machine " + endpoints.agent().machineName());
                stack.startAgent(endpoints.agent(), endpoints.gatewayPort());
                awaitConnected(new ArmClient(endpoints.api(), endpoints.agent().subscriptionId(),
                        endpoints.agent().resourceGroup(), ownerCredential(stack)), endpoints.agent().machineName(),
                        Duration.ofSeconds(60));
            }
            return stack;
        } catch (Exception e) {
            stack.close();
            throw e;
        }
    }

    /** The stack's owner token, as the stack's own calls present it. */
    static Credential ownerCredential(LocalStack stack) throws IOException {
        return Credential.bearer(stack.ownerToken(), "the local stack's owner token " + stack.ownerTokenFile());
    }

    /** Waits until the machine shows status Connected; a refused credential fails at once. */
    static void awaitConnected(ArmClient client, String machine, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                JsonNode node = client.get(client.machinePath(machine));
                if ("Connected".equals(node.path("properties").path("status").asText())) {
                    return;
                }
            } catch (ArmException notYet) {
                if (notYet.isUnauthenticated() || notYet.isForbidden()) {
                    throw notYet;
                }
                // The agent has not registered yet.
            }
            Thread.sleep(100);
        }
        throw new IOException("machine " + machine + " did not connect within " + timeout.toSeconds() + " s");
    }

    static void printEndpoints(Endpoints endpoints, PrintStream out) {
        AgentIdentity agent = endpoints.agent();
        out.println("runcmd: up.");
        out.println("  REST API + public gRPC  " + endpoints.api());
        out.println("  API health, metrics     http://127.0.0.1:" + endpoints.apiManagementPort() + "/q/metrics");
        out.println("  gateway (agents)        127.0.0.1:" + endpoints.gatewayPort());
        out.println("  gateway health, metrics http://127.0.0.1:" + endpoints.gatewayHttpPort() + "/q/metrics");
        out.println("  PostgreSQL              postgresql://127.0.0.1:" + endpoints.dbPort() + "/postgres (user postgres)");
        out.println("  machine                 /subscriptions/" + agent.subscriptionId() + "/resourceGroups/"
                + agent.resourceGroup() + "/providers/Microsoft.HybridCompute/machines/" + agent.machineName());
        out.println("  logs                    " + endpoints.dataDir().resolve("logs"));
        out.println("  owner token             " + OwnerToken.file(endpoints.dataDir().toAbsolutePath().normalize())
                + " (`runcmd auth token` prints it)");
        Path clientDataDir = CredentialResolver.ofThisProcess().dataDir().toAbsolutePath().normalize();
        if (!clientDataDir.equals(endpoints.dataDir().toAbsolutePath().normalize())) {
            out.println("  (the CLI looks in " + clientDataDir + ": export RUNCMD_DATA_DIR="
                    + endpoints.dataDir().toAbsolutePath().normalize() + " where you run it)");
        }
    }
}
