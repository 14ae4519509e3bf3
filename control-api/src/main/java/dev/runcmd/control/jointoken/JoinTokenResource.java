package dev.runcmd.control.jointoken;

import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.config.ControlConfig;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The join tokens of a resource group (runcmd's own resource type, beside Arc's machines): POST creates one and is the
 * only answer that shows its text; GET lists them (never their secrets); DELETE removes one at once. Names and the
 * body are checked before anything is written.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/joinTokens")
@Produces(MediaType.APPLICATION_JSON)
public class JoinTokenResource {

    private final JoinTokenService service;
    private final JoinTokenRequestParser parser;
    private final int maxBodyBytes;

    JoinTokenResource(JoinTokenService service, JoinTokenRequestParser parser, ControlConfig config) {
        this.service = service;
        this.parser = parser;
        this.maxBodyBytes = config.api().maxBodyBytes();
    }

    /** Creates a token: 201 with its text in {@code properties.token}, shown this once. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Authorize(Actions.JOIN_TOKEN_WRITE)
    public Uni<RestResponse<JoinTokenView>> create(@RestPath String sub, @RestPath String rg, byte[] body) {
        JoinTokenScope scope = JoinTokenScope.of(sub, rg);
        if (body != null && body.length > maxBodyBytes) {
            throw ArmException.bodyTooLarge(maxBodyBytes);
        }
        JoinTokenSpec spec = parser.parse(body == null ? new byte[0] : body);
        return service.create(scope, spec)
                .map(created -> RestResponse.status(RestResponse.Status.CREATED, JoinTokenView.of(created)));
    }

    /** Lists the group's tokens, oldest first, expired and spent ones included (usesLeft says which). */
    @GET
    @Authorize(Actions.JOIN_TOKEN_READ)
    public Uni<ArmList<JoinTokenView>> list(@RestPath String sub, @RestPath String rg) {
        return service.list(JoinTokenScope.of(sub, rg))
                .map(rows -> ArmList.of(rows.stream().map(JoinTokenView::of).toList()));
    }

    /** Deletes a token at once: 200 when it existed, 204 when it did not. */
    @DELETE
    @Path("{id}")
    @Authorize(Actions.JOIN_TOKEN_DELETE)
    public Uni<RestResponse<Void>> delete(@RestPath String sub, @RestPath String rg, @RestPath String id) {
        JoinTokenScope scope = JoinTokenScope.of(sub, rg);
        return service.delete(scope, ResourceNames.requireJoinTokenId(id))
                .map(deleted -> deleted ? RestResponse.<Void>ok() : RestResponse.<Void>noContent());
    }
}
