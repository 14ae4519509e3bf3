package dev.runcmd.proto.pki;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * A runcmd service's own certificate identity: {@code runcmd://service/control-api} for the control API calling a
 * gateway's internal API, {@code runcmd://service/gateway} for a gateway's server certificate. Machine certificates
 * never carry one, so an agent's certificate cannot call the internal API.
 */
public final class ServiceIdentity {

    /** The control API, calling the gateways' internal API. */
    public static final String CONTROL_API = "control-api";
    /** A gateway, serving agents and the internal API. */
    public static final String GATEWAY = "gateway";

    private static final String PREFIX = "runcmd://service/";

    private ServiceIdentity() {
    }

    /** The URI SAN of a service. */
    public static String uri(String service) {
        return PREFIX + service;
    }

    /** The service a certificate names, if any. */
    public static Optional<String> of(X509Certificate certificate) {
        return MachineIdentity.uriNames(certificate).stream()
                .filter(uri -> uri.startsWith(PREFIX))
                .map(uri -> uri.substring(PREFIX.length()))
                .findFirst();
    }
}
