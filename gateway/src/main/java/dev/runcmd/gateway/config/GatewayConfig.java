package dev.runcmd.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's own settings, read once at startup (prefix {@code runcmd.gateway}).
 *
 * <p>Quarkus settings (gRPC port, datasource) stay under {@code quarkus.*}; this mapping holds
 * only what the gateway itself decides. Every value is immutable for the life of the process.
 */
@ConfigMapping(prefix = "runcmd.gateway")
public interface GatewayConfig {

    /**
     * This replica's id in the {@code gateway} and {@code agent_session} tables. Absent: "gw-"
     * followed by 8 random hex characters, chosen once per process (see {@link GatewayIdentity}).
     */
    Optional<String> id();

    /**
     * The host:port at which the control API reaches this replica's GatewayInternal service (its internal listener,
     * {@link #internalPort()}). Absent: "127.0.0.1:" followed by the internal port actually bound.
     */
    Optional<String> advertisedAddress();

    /**
     * The port of the internal listener (GatewayInternal: Dispatch and Cancel from the control API), TLS 1.3 with a
     * client certificate naming the control API required. 0: any free port. Never the agent port.
     */
    @WithDefault("9092")
    int internalPort();

    /** The interface the internal listener binds. */
    @WithDefault("0.0.0.0")
    String internalHost();

    /**
     * The DNS names and IP addresses in this gateway's server certificate: every name agents and the control API
     * dial it by. Absent: localhost, 127.0.0.1, ::1, this host's name, and the advertised address's host.
     */
    Optional<java.util.List<String>> tlsNames();

    /** How long a machine certificate lasts; agents renew it at about two thirds of that. */
    @WithDefault("24h")
    Duration agentCertificateLifetime();

    /** How long this gateway's own server certificate lasts (it issues itself a new one at two thirds). */
    @WithDefault("7d")
    Duration serverCertificateLifetime();

    /** How often agents are asked to send a Heartbeat, and how often the gateway row is refreshed. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** How often Pending executions of every machine held here are delivered (a safety net). */
    @WithDefault("10s")
    Duration sweepInterval();

    /** How long to wait between attempts to register this gateway while the store is unusable. */
    @WithDefault("3s")
    Duration registrationRetry();

    /**
     * The outbox bound of one agent: a delivery claims at most this many Runs minus those still
     * waiting; a Welcome or Cancel beyond this many waiting messages, or an Ack for one more
     * execution beyond this many with an Ack waiting, ends the session with RESOURCE_EXHAUSTED.
     */
    @WithDefault("256")
    int outboxLimit();

    /**
     * How many heartbeat intervals an agent may stay silent (no message at all while the gateway
     * is not busy with one) before its session is ended as lost.
     */
    @WithDefault("3")
    int silentHeartbeats();

    /**
     * The most bytes of each output stream of one execution that are stored (64 MiB by default);
     * output past it is counted as dropped, acknowledged, and not stored. Recorded in the
     * execution when it is delivered, so a later change applies to later executions only.
     */
    @WithDefault("67108864")
    long outputCap();

    /**
     * How many messages of one agent the gateway reads ahead: that many are requested from the
     * transport before the first is stored; runs of consecutive Outputs among them, up to half
     * this many, are stored one statement each, and a second statement may be sent while the
     * first still runs. Bounds what one stream can make the gateway hold to this many times
     * 64 KiB (an Output's limit), beyond the transport's flow-control window.
     */
    @WithDefault("16")
    int ingestWindow();

    /**
     * How long a gateway's {@code heartbeat_at} may lag before any other gateway expires it: its
     * sessions are deleted, their machines turn Disconnected, its unaccepted Dispatched executions
     * go back to Pending and its row is deleted. Must be longer than the heartbeat interval.
     */
    @WithDefault("30s")
    Duration lease();

    /**
     * The grace the watchdog adds to an execution's timeoutInSeconds before it ends a delivered
     * execution that never reported an exit as Failed (the outcome is unknown).
     */
    @WithDefault("2m")
    Duration watchdogGrace();

    /**
     * How long the machine of a delivered execution without a timeout may stay Disconnected
     * before the watchdog ends that execution as Failed (the outcome is unknown).
     */
    @WithDefault("24h")
    Duration lostAfter();

    /** The sustained rate of messages one agent stream may send; more ends it RESOURCE_EXHAUSTED. */
    @WithDefault("5000")
    int maxMessagesPerSecond();

    /** How many messages one agent stream may send at once above the sustained rate. */
    @WithDefault("20000")
    int messageBurst();

    /**
     * How long a shutdown waits for the sessions to store and acknowledge what was already read
     * before it ends them; the rest of quarkus.shutdown.timeout is left for the store clean-up.
     */
    @WithDefault("4s")
    Duration drainTimeout();

    /**
     * How many store operations may wait for one of the pool's connections
     * ({@code quarkus.datasource.reactive.max-size}) while all are in use; beyond it an operation fails at once
     * and its agent stream or internal call ends UNAVAILABLE (the agent reconnects and replays; the control API's
     * sweep redelivers). Each agent stream has at most a few operations in flight, so this covers thousands of
     * busy agents.
     */
    @WithDefault("4096")
    int storeMaxWaiting();

    /** How long a store operation waits for a pool connection at most before it fails UNAVAILABLE. */
    @WithDefault("10s")
    Duration storeAcquireTimeout();

    /**
     * How long a new agent stream may stay open without its Hello; then it ends with DEADLINE_EXCEEDED, so a
     * peer that connects and says nothing holds nothing here for long.
     */
    @WithDefault("10s")
    Duration helloTimeout();
}
