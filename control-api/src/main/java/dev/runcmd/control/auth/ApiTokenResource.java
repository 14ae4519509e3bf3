package dev.runcmd.control.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.RequestJson;
import dev.runcmd.proto.pki.ApiToken;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * runcmd's own bearer tokens, for automation and the local stack: POST creates one holding a built-in role at a
 * scope (the only answer that shows its text; only the SHA-256 of its secret is stored), GET lists them (those
 * whose scope the caller may read tokens at), DELETE revokes one at once on this replica (within
 * {@code runcmd.auth.cache-ttl} on the others). Creating needs {@code runcmd.Authorization/tokens/write} and
 * {@code Microsoft.Authorization/roleAssignments/write} at the scope: only an Owner grants access.
 */
@Path("/providers/runcmd.Authorization/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class ApiTokenResource {

    private static final Pattern DISPLAY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@ -]{0,63}");
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int DEFAULT_LIFETIME_SECONDS = 30 * 24 * 3600;

    private final AccessStore store;
    private final Access access;
    private final ObjectReader reader;
    private final Duration maxLifetime;

    ApiTokenResource(AccessStore store, Access access, ObjectMapper mapper, AuthConfig config) {
        this.store = store;
        this.access = access;
        this.reader = RequestJson.strictReader(mapper);
        this.maxLifetime = config.maxTokenLifetime();
    }

    /**
     * Creates a token from {@code {"properties":{"displayName","roleName"|"roleDefinitionId","scope",
     * "expiresInSeconds"}}}: 201 with its text in {@code properties.token}.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @AuthorizedInside
    public Uni<RestResponse<ApiTokenView>> create(byte[] body, RoutingContext http) {
        ObjectNode properties = RequestJson.object(RequestJson.member(
                RequestJson.readObject(reader, body == null ? new byte[0] : body), "properties"), "properties");
        String displayName = RequestJson.text(RequestJson.member(properties, "displayName"), "properties.displayName");
        if (!DISPLAY_NAME.matcher(displayName).matches()) {
            throw RequestJson.invalid("properties.displayName", "expected 1 to 64 letters, digits, spaces and ._@-, "
                    + "starting with a letter or digit");
        }
        RoleDefinition role = role(properties);
        String scope = Scopes.require(RequestJson.text(RequestJson.member(properties, "scope"), "properties.scope"));
        int lifetime = RequestJson.integer(RequestJson.member(properties, "expiresInSeconds"),
                "properties.expiresInSeconds", 60, (int) Math.min(Integer.MAX_VALUE, maxLifetime.toSeconds()),
                DEFAULT_LIFETIME_SECONDS);
        Caller caller = Access.callerOf(http);
        ApiToken token = ApiToken.generate();
        OffsetDateTime now = AccessStore.now();
        StoredToken stored = new StoredToken(token.id(), token.secretHash(), principalIdOf(token.id()), displayName,
                Caller.PrincipalType.Application, now, caller.name(), role.id(), scope, now.plusSeconds(lifetime),
                null);
        RoleAssignment assignment = new RoleAssignment(RoleAssignmentApi.newId(), scope, role.id(),
                stored.principalId(), "ServicePrincipal", now, caller.name());
        return access.require(http, Actions.TOKEN_WRITE, scope)
                .chain(() -> access.require(http, Actions.ROLE_ASSIGNMENT_WRITE, assignment.resourceId()))
                .invoke(() -> http.put(Access.RESOURCE_KEY, ApiTokenView.idOf(token.id())))
                .chain(() -> store.createToken(stored, assignment))
                .invoke(access::changed)
                .map(created -> RestResponse.status(RestResponse.Status.CREATED,
                        ApiTokenView.of(stored, token.text())));
    }

    /** The tokens the caller may read (at their scope), newest first, revoked and expired ones included. */
    @GET
    @AuthorizedInside
    public Uni<ArmList<ApiTokenView>> list(RoutingContext http) {
        http.put(Access.ACTION_KEY, Actions.TOKEN_READ);
        http.put(Access.RESOURCE_KEY, "/providers/" + ApiTokenView.TYPE);
        return access.checker(Access.callerOf(http), Actions.TOKEN_READ)
                .chain(readable -> store.tokens().map(all -> ArmList.of(all.stream()
                        .filter(token -> readable.test(token.scope()))
                        .map(token -> ApiTokenView.of(token, null))
                        .toList())));
    }

    /** Revokes a token: 200 with it when it was live, 204 when there is no such live token. */
    @DELETE
    @Path("{id}")
    @AuthorizedInside
    public Uni<RestResponse<ApiTokenView>> revoke(@RestPath String id, RoutingContext http) {
        if (!TOKEN_ID.matcher(id).matches()) {
            throw ArmException.invalidResourceName("The token id '" + id + "' is invalid: expected 32 lower-case "
                    + "hexadecimal digits, as 'runcmd auth token list' shows.");
        }
        http.put(Access.ACTION_KEY, Actions.TOKEN_DELETE);
        http.put(Access.RESOURCE_KEY, ApiTokenView.idOf(id));
        return store.token(id).chain(found -> {
            if (found.isEmpty() || found.get().revokedAt() != null) {
                return access.require(http, Actions.TOKEN_DELETE, ApiTokenView.idOf(id))
                        .replaceWith(RestResponse.<ApiTokenView>noContent());
            }
            StoredToken token = found.get();
            return access.require(http, Actions.TOKEN_DELETE, token.scope())
                    .invoke(() -> http.put(Access.RESOURCE_KEY, ApiTokenView.idOf(id)))
                    .chain(() -> store.revokeToken(id))
                    .invoke(access::changed)
                    .chain(() -> store.token(id))
                    .map(revoked -> RestResponse.ok(ApiTokenView.of(revoked.orElse(token), null)));
        });
    }

    private static RoleDefinition role(ObjectNode properties) {
        String name = RequestJson.optionalText(RequestJson.member(properties, "roleName"), "properties.roleName");
        String id = RequestJson.optionalText(RequestJson.member(properties, "roleDefinitionId"),
                "properties.roleDefinitionId");
        if ((name == null) == (id == null)) {
            throw RequestJson.invalid("properties.roleName", "give exactly one of roleName and roleDefinitionId");
        }
        return (name != null ? BuiltInRoles.byName(name) : BuiltInRoles.byReference(id)).orElseThrow(() ->
                new ArmException(400, "RoleDefinitionDoesNotExist", "The role '" + (name != null ? name : id)
                        + "' does not exist. The built-in roles are: " + String.join(", ",
                        BuiltInRoles.ALL.stream().map(RoleDefinition::name).toList()) + "."));
    }

    /** A token's principal id: its id, spelled as a GUID. */
    static String principalIdOf(String tokenId) {
        return tokenId.substring(0, 8) + "-" + tokenId.substring(8, 12) + "-" + tokenId.substring(12, 16) + "-"
                + tokenId.substring(16, 20) + "-" + tokenId.substring(20);
    }
}
