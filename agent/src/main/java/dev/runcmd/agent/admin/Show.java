package dev.runcmd.agent.admin;

import dev.runcmd.agent.AgentConfig;
import dev.runcmd.agent.ConfigException;
import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityException;
import dev.runcmd.agent.identity.IdentityStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runcmd-agent show [-o json]}: the machine's identity, the configured gateways and files, the policy and
 * the tags, as the daemon would see them. Exit code 0 when the configuration reads (with or without an identity),
 * 1 when the identity dir is unusable, 2 for a bad configuration.
 */
final class Show {
    private final Admin admin;
    private final AdminArguments arguments;

    Show(Admin admin, AdminArguments arguments) {
        this.admin = admin;
        this.arguments = arguments;
    }

    int run() {
        AgentConfig config;
        try {
            config = admin.config(arguments, null);
        } catch (ConfigException e) {
            return admin.fail(Admin.USAGE, e.getMessage());
        }
        Optional<Identity> identity;
        try {
            identity = new IdentityStore(config.identityDir()).load();
        } catch (IOException | IdentityException e) {
            return admin.fail(Admin.FAILED, "identity dir " + config.identityDir() + " is unusable: " + e.getMessage());
        }
        Map<String, Object> facts = facts(config, identity);
        admin.out().print(arguments.json() ? Json.write(facts) : text(facts));
        return Admin.OK;
    }

    private Map<String, Object> facts(AgentConfig config, Optional<Identity> identity) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("status", identity.isPresent() ? "enrolled" : "not enrolled");
        facts.put("identity", identity.map(i -> Admin.describe(i, Instant.now())).orElse(null));
        facts.put("configuredMachine", config.subscriptionId() + "/" + config.resourceGroup() + "/"
                + config.machineName());
        facts.put("gateways", config.gateways());
        Path file = Path.of(arguments.configFile(admin.env())).toAbsolutePath();
        facts.put("configFile", Files.exists(file) ? file.toString() : file + " (absent)");
        facts.put("workDir", config.workDir().toString());
        facts.put("identityDir", config.identityDir().toString());
        facts.put("policyFile", config.policyFile().map(Path::toString).orElse(null));
        facts.put("policy", config.policyFile().isPresent() ? config.policy().summary() : "none: everything allowed");
        facts.put("hostNamespaces", config.hostNamespaces());
        facts.put("tags", config.tags());
        return facts;
    }

    /** The facts as "name: value" lines, the identity's indented. */
    private static String text(Map<String, Object> facts) {
        StringBuilder out = new StringBuilder();
        facts.forEach((name, value) -> {
            if (value instanceof Map<?, ?> map && name.equals("identity")) {
                out.append("identity:\n");
                map.forEach((key, item) -> out.append(String.format("  %-20s %s%n", key + ":", item)));
            } else {
                out.append(String.format("%-22s %s%n", name + ":", value == null ? "none" : value));
            }
        });
        return out.toString();
    }
}
