package dev.runcmd.agent.admin;

import dev.runcmd.agent.AgentConfig;
import dev.runcmd.agent.ConfigException;
import dev.runcmd.agent.identity.Bootstrap;
import dev.runcmd.agent.identity.Enrollment;
import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityException;
import dev.runcmd.agent.identity.IdentityStore;
import dev.runcmd.proto.pki.JoinToken;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code runcmd-agent connect}: trades the join token for the machine's identity (the daemon's own enrollment,
 * {@link Bootstrap}; an identity of this machine that is still valid is kept), stores it in the identity dir, writes
 * the machine's settings to the config file (never the token), and (re)starts the systemd service when systemd runs.
 */
final class Connect {
    /** Enroll calls that may fail as unavailable before connect gives up: two rounds over the gateways. */
    static final int ROUNDS = 2;

    private final Admin admin;
    private final AdminArguments arguments;

    Connect(Admin admin, AdminArguments arguments) {
        this.admin = admin;
        this.arguments = arguments;
    }

    int run() throws InterruptedException {
        JoinTokenSource.Token token;
        AgentConfig config;
        try {
            token = JoinTokenSource.resolve(arguments.joinToken(), admin.env(), admin.stdin());
            parse(token);
            config = admin.config(arguments, token.text());
        } catch (IllegalArgumentException | ConfigException e) {
            return admin.fail(Admin.USAGE, e.getMessage());
        }
        if (token.inArguments()) {
            admin.warn("the join token is on the command line, readable by every local user while this runs;"
                    + " prefer --join-token @FILE, --join-token @- or RUNCMD_JOIN_TOKEN");
        }
        IdentityStore store = new IdentityStore(config.identityDir());
        Identity identity;
        try {
            identity = Bootstrap.identity(store, config.joinToken(), config.machine(),
                    new Enrollment(config.gateways(), ROUNDS * config.gateways().size()));
        } catch (IdentityException e) {
            return admin.fail(Admin.FAILED, e.getMessage());
        } catch (IOException e) {
            return admin.fail(Admin.FAILED, "identity dir " + store.dir() + " is unusable: " + e.getMessage());
        }
        Path file = Path.of(arguments.configFile(admin.env()));
        try {
            ConfigFile.write(file, settings(config));
        } catch (IOException e) {
            return admin.fail(Admin.FAILED, "enrolled, but cannot write config file " + file + ": " + e.getMessage());
        }
        report(identity, store.dir(), file);
        if (arguments.noStart()) {
            return Admin.OK;
        }
        return Systemd.running() ? new Systemd(admin).enableAndRestart() : Admin.OK;
    }

    /** Refuses a malformed token, naming where it came from and never echoing it (it is a secret). */
    private static void parse(JoinTokenSource.Token token) {
        try {
            JoinToken.parse(token.text());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid join token (from " + token.origin() + "): " + e.getMessage());
        }
    }

    /** What the config file keeps, so that the daemon runs as the machine just enrolled. */
    private static Map<String, String> settings(AgentConfig config) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("gateway", config.gateway());
        settings.put("subscription-id", config.subscriptionId());
        settings.put("resource-group", config.resourceGroup());
        settings.put("machine-name", config.machineName());
        settings.put("work-dir", config.workDir().toString());
        settings.put("identity-dir", config.identityDir().toString());
        if (!config.tags().isEmpty()) {
            StringBuilder tags = new StringBuilder();
            config.tags().forEach((name, value) -> tags.append(tags.length() == 0 ? "" : ",").append(name)
                    .append('=').append(value));
            settings.put("tags", tags.toString());
        }
        return settings;
    }

    private void report(Identity identity, Path identityDir, Path file) {
        Map<String, Object> facts = Admin.describe(identity, Instant.now());
        admin.out().println("Connected machine " + identity.machine().describe());
        admin.out().println("  resource id:     " + facts.get("resourceId"));
        admin.out().println("  certificate:     serial " + facts.get("certificateSerial") + ", valid until "
                + facts.get("notAfter") + " (" + facts.get("daysLeft") + " days)");
        admin.out().println("  identity dir:    " + identityDir);
        admin.out().println("  config file:     " + file.toAbsolutePath() + " (the join token is not kept)");
    }
}
