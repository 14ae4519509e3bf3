package dev.runcmd.control.dispatch;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.pki.GatewayClientTls;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One mutual-TLS gRPC channel per gateway address, created on first use and reused: the control API presents its
 * service certificate and trusts only the runcmd CA, and the address's host must be named by the gateway's
 * certificate ({@link GatewayClientTls}). The cache is bounded: gateways come and go (new pod addresses), so the least
 * recently used channel is shut down when the bound is reached; calls already on it finish first.
 *
 * <p>Thread-safe: every access to the map holds this object's monitor.
 */
@ApplicationScoped
public class GatewayChannels {

    private final GatewayClientTls tls;
    private final int maxChannels;
    // guarded by this; access order makes the eldest entry the least recently used
    private final LinkedHashMap<String, ManagedChannel> channels = new LinkedHashMap<>(16, 0.75f, true);

    GatewayChannels(GatewayClientTls tls, ControlConfig config) {
        this.tls = tls;
        this.maxChannels = config.dispatch().maxChannels();
    }

    /**
     * The channel to a gateway's internal listener, for example {@code 10.0.0.7:9092}; waits for the TLS material
     * the first time.
     */
    public Uni<ManagedChannel> forAddress(String address) {
        return tls.credentials().map(credentials -> channel(address, credentials));
    }

    private synchronized ManagedChannel channel(String address, ChannelCredentials credentials) {
        ManagedChannel channel = channels.get(address);
        if (channel == null) {
            evictIfFull();
            channel = Grpc.newChannelBuilder(address, credentials).build();
            channels.put(address, channel);
        }
        return channel;
    }

    private void evictIfFull() {
        if (channels.size() >= maxChannels) {
            Map.Entry<String, ManagedChannel> eldest = channels.entrySet().iterator().next();
            channels.remove(eldest.getKey());
            eldest.getValue().shutdown();
        }
    }

    /** Shuts every channel down when the application stops. */
    @PreDestroy
    void close() {
        List<ManagedChannel> open;
        synchronized (this) {
            open = new ArrayList<>(channels.values());
            channels.clear();
        }
        open.forEach(ManagedChannel::shutdownNow);
    }
}
