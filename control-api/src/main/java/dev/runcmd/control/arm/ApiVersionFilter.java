package dev.runcmd.control.arm;

import dev.runcmd.control.config.ControlConfig;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires a supported {@code api-version} query parameter on every REST request, as ARM does. Each resource
 * provider has its own versions: paths under another provider than runcmd's own name theirs in
 * {@link #PROVIDER_VERSIONS}; all others accept {@code runcmd.control.api.versions}.
 *
 * <p>Runs after resource matching, so an unknown path is answered with NotFound whatever its query says.
 */
public final class ApiVersionFilter {

    /** The query parameter ARM uses to select the contract version. */
    public static final String PARAMETER = "api-version";

    /**
     * The versions of the other providers runcmd serves, by the path fragment (lower case) that marks their paths:
     * the activity log ({@code Microsoft.Insights/eventtypes}) speaks Azure Monitor's {@code 2015-04-01}.
     */
    private static final List<ProviderVersions> PROVIDER_VERSIONS = List.of(
            new ProviderVersions("/providers/microsoft.insights/", List.of("2015-04-01")),
            new ProviderVersions("/providers/microsoft.authorization/",
                    List.of("2015-07-01", "2018-01-01-preview", "2020-04-01-preview", "2022-04-01")));

    private final List<String> supported;

    ApiVersionFilter(ControlConfig config) {
        this.supported = List.copyOf(config.api().versions());
    }

    /** Throws {@link ArmException} when the parameter is missing or names an unsupported version. */
    @ServerRequestFilter
    public void requireApiVersion(UriInfo uri) {
        List<String> accepted = versionsFor(uri.getPath());
        String version = uri.getQueryParameters().getFirst(PARAMETER);
        if (version == null || version.isEmpty()) {
            throw ArmException.missingApiVersion(accepted);
        }
        if (!accepted.contains(version)) {
            throw ArmException.invalidApiVersion(version, accepted);
        }
    }

    private List<String> versionsFor(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        for (ProviderVersions provider : PROVIDER_VERSIONS) {
            if (lower.contains(provider.pathFragment())) {
                return provider.versions();
            }
        }
        return supported;
    }

    /**
     * The api-versions of one resource provider.
     *
     * @param pathFragment the lower-case fragment that marks the provider's paths
     * @param versions the versions its paths accept
     */
    private record ProviderVersions(String pathFragment, List<String> versions) {
    }
}
