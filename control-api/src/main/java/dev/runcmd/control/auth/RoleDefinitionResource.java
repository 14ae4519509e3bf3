package dev.runcmd.control.auth;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The built-in role definitions, as Azure lists them under a subscription ({@code $filter=roleName eq '…'}
 * supported). They are the same for everyone and hold nothing secret, so every authenticated caller may read them.
 */
@Path("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions")
@Produces(MediaType.APPLICATION_JSON)
public class RoleDefinitionResource {

    private static final Pattern NAME_FILTER = Pattern.compile("(?i)\\s*roleName\\s+eq\\s+'([^']*)'\\s*");

    /** The built-in roles, or the one a {@code roleName eq} filter names. */
    @GET
    @AuthorizedInside
    public ArmList<RoleDefinitionView> list(@RestPath String sub, @RestQuery("$filter") String filter) {
        Scopes.require("/subscriptions/" + sub);
        List<RoleDefinition> roles = BuiltInRoles.ALL;
        if (filter != null && !filter.isBlank()) {
            Matcher matcher = NAME_FILTER.matcher(filter);
            if (!matcher.matches()) {
                throw new ArmException(400, "InvalidFilter", "The $filter '" + filter
                        + "' is not supported: use \"roleName eq '{name}'\".");
            }
            roles = BuiltInRoles.byName(matcher.group(1)).map(List::of).orElse(List.of());
        }
        return ArmList.of(roles.stream().map(role -> RoleDefinitionView.of(role, sub)).toList());
    }

    /** One role by GUID; 404 RoleDefinitionDoesNotExist otherwise. */
    @GET
    @Path("{id}")
    @AuthorizedInside
    public RoleDefinitionView get(@RestPath String sub, @RestPath String id) {
        Scopes.require("/subscriptions/" + sub);
        return BuiltInRoles.byId(id).map(role -> RoleDefinitionView.of(role, sub)).orElseThrow(() ->
                new ArmException(404, "RoleDefinitionDoesNotExist", "The specified role definition with ID '" + id
                        + "' does not exist."));
    }
}
