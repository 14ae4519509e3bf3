package dev.runcmd.agent;

/** The text printed by {@code --help}. */
final class Usage {
    static final String TEXT = """
            Usage: runcmd-agent [run] [options]          the agent (the systemd service runs this)
                   runcmd-agent connect --join-token @FILE --gateway HOST:PORT[,...] [options] [--no-start]
                   runcmd-agent show [-o json] [options]
                   runcmd-agent check [-o json] [options]
            (or java -jar agent.jar ...)

            The runcmd agent dials out to a gateway, runs the scripts it is sent and streams their
            output back. Precedence: flags > environment > config file > defaults.

            connect  enrolls this machine with a join token (from 'runcmd machine join-token create'),
                     stores its identity in the identity dir, writes the settings given (never the token)
                     to the config file (--config, RUNCMD_AGENT_CONFIG, else /etc/runcmd/agent.properties;
                     mode 0600), and when systemd runs enables and restarts runcmd-agent.service
                     (--no-start: not). The token: --join-token @FILE, --join-token @- (standard input),
                     or RUNCMD_JOIN_TOKEN. A literal --join-token TOKEN is readable by every local user
                     (/proc/PID/cmdline) while the command runs: avoid it.
            show     the identity (machine, resource id, certificate serial and dates), gateways, files,
                     policy and tags.
            check    per gateway: name resolution, TCP, TLS 1.3 with the machine certificate and a stream
                     the gateway accepts, with latencies or the precise error; certificate expiry; policy.
                     Exit code 0 when all passed, 1 otherwise.

            Options (flag | environment | config-file key | default):
              --gateway HOST:PORT[,...]  RUNCMD_GATEWAY             gateway             127.0.0.1:9090 (tried in turn)
              --subscription-id ID       RUNCMD_SUBSCRIPTION_ID     subscription-id     00000000-0000-0000-0000-000000000000
              --resource-group NAME      RUNCMD_RESOURCE_GROUP      resource-group      local
              --machine-name NAME        RUNCMD_MACHINE_NAME        machine-name        the host name, sanitised
              --work-dir DIR             RUNCMD_WORK_DIR            work-dir            ~/.runcmd/agent
              --kill-grace-seconds N     RUNCMD_KILL_GRACE_SECONDS  kill-grace-seconds  5
              --max-concurrent N         RUNCMD_MAX_CONCURRENT      max-concurrent      5 (1-1000; more wait in line)
              --spool-max-bytes N        RUNCMD_SPOOL_MAX_BYTES     spool-max-bytes     268435456 (at least 1048576)
              --stop-mode MODE           RUNCMD_STOP_MODE           stop-mode           detach (scripts run on) or cancel (ended)
              --policy FILE              RUNCMD_POLICY              policy              /etc/runcmd/agent-policy.properties if present
                                         (root's, not group/world-writable: what may run here; see agent/README.md)
              --identity-dir DIR         RUNCMD_IDENTITY_DIR        identity-dir        <work-dir>/identity (key.pem, cert.pem, ca.pem)
              --join-token TOKEN         RUNCMD_JOIN_TOKEN          join-token          none; enrolls when there is no valid identity
                                         (a secret: prefer the environment or the config file, as argv is readable in /proc)
              --tags NAME=VALUE[,...]    RUNCMD_TAGS                tags                none; the machine's tags, sent in every Hello
                                         (at most 50; names 1-512 characters without <>%&\\?/ or control characters,
                                         values 0-256)
              --log-format FORMAT        RUNCMD_LOG_FORMAT          log-format          text, or json (one JSON object per line on stderr)
              --host-namespaces          RUNCMD_HOST_NAMESPACES     host-namespaces     false; true runs every script in the host's
                                         namespaces (nsenter --target 1 ...; a DaemonSet with hostPID, the
                                         work dir a hostPath at the same path)
              --config FILE              RUNCMD_AGENT_CONFIG        (java.util.Properties file with the keys above)
              --help                     print this text and exit

            Exit codes: 0 after --help (and a successful subcommand), 1 when a subcommand failed or the work directory is unusable or there is no usable
            identity (no enrollment yet, certificate expired, enrollment refused), 2 for a bad option
            or value; when stopped by SIGTERM/SIGINT the JVM reports 143/130.
            """;

    private Usage() {}
}
