package dev.runcmd.gateway.config;

import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The id this gateway replica goes by, fixed for the life of the process.
 *
 * <p>It names the replica in the {@code gateway} table, in {@code agent_session} rows, in the
 * {@code gateway_id} of the executions it dispatched, and in every Welcome it sends.
 */
@Singleton
public final class GatewayIdentity {

    private final String id;

    /** Takes {@code runcmd.gateway.id}, or draws a fresh "gw-xxxxxxxx" id when it is absent. */
    public GatewayIdentity(GatewayConfig config) {
        this.id = config.id().filter(value -> !value.isBlank()).orElseGet(GatewayIdentity::randomId);
    }

    /** The replica's id; never empty. */
    public String id() {
        return id;
    }

    private static String randomId() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return "gw-" + HexFormat.of().formatHex(bytes);
    }
}
