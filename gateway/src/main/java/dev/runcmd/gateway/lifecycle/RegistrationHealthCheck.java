package dev.runcmd.gateway.lifecycle;

import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.session.SessionRegistry;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the gateway is ready once it is registered in the store (the control API can then
 * find it), and not while it is shutting down.
 */
@Readiness
@Singleton
public final class RegistrationHealthCheck implements HealthCheck {

    private final GatewayLifecycle lifecycle;
    private final GatewayIdentity identity;
    private final SessionRegistry registry;

    public RegistrationHealthCheck(GatewayLifecycle lifecycle, GatewayIdentity identity, SessionRegistry registry) {
        this.lifecycle = lifecycle;
        this.identity = identity;
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("runcmd-gateway")
                .status(lifecycle.state() == RegistrationState.REGISTERED)
                .withData("id", identity.id())
                .withData("address", lifecycle.address())
                .withData("state", lifecycle.state().name())
                .withData("sessions", registry.all().size())
                .build();
    }
}
