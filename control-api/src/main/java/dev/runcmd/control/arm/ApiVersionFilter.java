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
        List<String> accepted = acceptedFor(uri.getPath());
        String version = uri.getQueryParameters().getFirst(PARAMETER);
        if (version == null || version.isEmpty()) {
            throw ArmException.missingApiVersion(accepted);
        }
        if (!accepted.contains(version)) {
            throw ArmException.invalidApiVersion(version, accepted);
        }
    }

    /** The versions a path's provider serves: Azure's own for Microsoft.Authorization, runcmd's for the rest. */
    private List<String> acceptedFor(String path) {
        return path.toLowerCase(java.util.Locale.ROOT).contains("/providers/microsoft.authorization/")
                ? AUTHORIZATION_VERSIONS : supported;
    }

    /** The Microsoft.Authorization api-versions whose role assignment and definition shapes runcmd serves. */
    private static final List<String> AUTHORIZATION_VERSIONS =
            List.of("2015-07-01", "2018-01-01-preview", "2020-04-01-preview", "2022-04-01");
}
