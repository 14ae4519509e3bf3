package dev.runcmd.control.arm;

import dev.runcmd.control.config.ControlConfig;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires a supported {@code api-version} query parameter on every REST request, as ARM does.
 *
 * <p>Runs after resource matching, so an unknown path is answered with NotFound whatever its query says.
 */
public final class ApiVersionFilter {

    /** The query parameter ARM uses to select the contract version. */
    public static final String PARAMETER = "api-version";

    private final List<String> supported;

    ApiVersionFilter(ControlConfig config) {
        this.supported = List.copyOf(config.api().versions());
    }

    /** Throws {@link ArmException} when the parameter is missing or names an unsupported version. */
    @ServerRequestFilter
    public void requireApiVersion(UriInfo uri) {
        String version = uri.getQueryParameters().getFirst(PARAMETER);
        if (version == null || version.isEmpty()) {
            throw ArmException.missingApiVersion(supported);
        }
        if (!supported.contains(version)) {
            throw ArmException.invalidApiVersion(version, supported);
        }
    }
}
