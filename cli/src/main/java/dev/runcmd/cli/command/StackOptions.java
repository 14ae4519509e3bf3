package dev.runcmd.cli.command;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Ports, data directory and identity of the local stack; flags override RUNCMD_* variables. */
final class StackOptions {

    @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "${env:RUNCMD_API_PORT:-8080}",
            description = "Control API port, REST and public gRPC (env RUNCMD_API_PORT; default ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--api-management-port", paramLabel = "PORT",
            defaultValue = "${env:RUNCMD_API_MANAGEMENT_PORT:-9000}",
            description = "Control API health and metrics port, /q/health and /q/metrics (env RUNCMD_API_MANAGEMENT_PORT; "
                    + "default ${DEFAULT-VALUE}).")
    int apiManagementPort;

    @Option(names = "--gateway-port", paramLabel = "PORT", defaultValue = "${env:RUNCMD_GATEWAY_PORT:-9090}",
            description = "Gateway agent port, TLS 1.3 (env RUNCMD_GATEWAY_PORT; default ${DEFAULT-VALUE}).")
    int gatewayPort;

    @Option(names = "--gateway-http-port", paramLabel = "PORT", defaultValue = "${env:RUNCMD_GATEWAY_HTTP_PORT:-9091}",
            description = "Gateway health and metrics port (env RUNCMD_GATEWAY_HTTP_PORT; default ${DEFAULT-VALUE}).")
    int gatewayHttpPort;

    @Option(names = "--db-port", paramLabel = "PORT", defaultValue = "${env:RUNCMD_DB_PORT:-15432}",
            description = "Embedded PostgreSQL port (env RUNCMD_DB_PORT; default ${DEFAULT-VALUE}).")
    int dbPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:RUNCMD_DATA_DIR:-${sys:user.home}/.runcmd/local}",
            description = "Database, logs and agent work directory; kept across restarts (env RUNCMD_DATA_DIR; default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--machine-name", paramLabel = "NAME",
            description = "Name the local agent registers (env RUNCMD_MACHINE_NAME; default: this host's name).")
    String machineName;

    @Option(names = "--subscription-id", paramLabel = "ID",
            defaultValue = "${env:RUNCMD_SUBSCRIPTION_ID:-" + Defaults.SUBSCRIPTION_ID + "}",
            description = "Subscription the local agent registers into (default ${DEFAULT-VALUE}).")
    String subscriptionId;

    @Option(names = {"-g", "--resource-group"}, paramLabel = "NAME",
            defaultValue = "${env:RUNCMD_RESOURCE_GROUP:-" + Defaults.RESOURCE_GROUP + "}",
            description = "Resource group the local agent registers into (default ${DEFAULT-VALUE}).")
    String resourceGroup;

    @Option(names = "--no-agent", description = "Do not start an agent for this machine.")
    boolean noAgent;

    String machine() {
        return machineName != null ? machineName : Defaults.machineName();
    }
}
