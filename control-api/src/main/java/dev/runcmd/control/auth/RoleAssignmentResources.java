package dev.runcmd.control.auth;

import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.ResourceNames;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The REST resources of role assignments, one per scope form Azure addresses them at; each hands the scope to
 * {@link RoleAssignmentApi}. The machine scope's methods live in a class with the machines' own class path, because
 * the REST layer matches the longest class path first.
 */
public final class RoleAssignmentResources {

    private static final String ASSIGNMENTS = "providers/Microsoft.Authorization/roleAssignments";

    private RoleAssignmentResources() {
    }

    /** {@code /providers/Microsoft.Authorization/roleAssignments}: the root scope {@code /}. */
    @Path("/" + ASSIGNMENTS)
    @Produces(MediaType.APPLICATION_JSON)
    public static class AtRoot {

        private final RoleAssignmentApi api;

        AtRoot(RoleAssignmentApi api) {
            this.api = api;
        }

        @GET
        @AuthorizedInside
        public Uni<ArmList<RoleAssignmentView>> list(@RestQuery("$filter") String filter, RoutingContext http) {
            return api.list(Scopes.ROOT, filter, http);
        }

        @GET
        @Path("{id}")
        @AuthorizedInside
        public Uni<RoleAssignmentView> get(@RestPath String id, RoutingContext http) {
            return api.get(Scopes.ROOT, id, http);
        }

        @PUT
        @Path("{id}")
        @Consumes(MediaType.APPLICATION_JSON)
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> put(@RestPath String id, byte[] body, RoutingContext http) {
            return api.put(Scopes.ROOT, id, body, http);
        }

        @DELETE
        @Path("{id}")
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> delete(@RestPath String id, RoutingContext http) {
            return api.delete(Scopes.ROOT, id, http);
        }
    }

    /** {@code /subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments}. */
    @Path("/subscriptions/{sub}/" + ASSIGNMENTS)
    @Produces(MediaType.APPLICATION_JSON)
    public static class AtSubscription {

        private final RoleAssignmentApi api;

        AtSubscription(RoleAssignmentApi api) {
            this.api = api;
        }

        private static String scope(String sub) {
            return Scopes.require("/subscriptions/" + sub);
        }

        @GET
        @AuthorizedInside
        public Uni<ArmList<RoleAssignmentView>> list(@RestPath String sub, @RestQuery("$filter") String filter,
                RoutingContext http) {
            return api.list(scope(sub), filter, http);
        }

        @GET
        @Path("{id}")
        @AuthorizedInside
        public Uni<RoleAssignmentView> get(@RestPath String sub, @RestPath String id, RoutingContext http) {
            return api.get(scope(sub), id, http);
        }

        @PUT
        @Path("{id}")
        @Consumes(MediaType.APPLICATION_JSON)
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> put(@RestPath String sub, @RestPath String id, byte[] body,
                RoutingContext http) {
            return api.put(scope(sub), id, body, http);
        }

        @DELETE
        @Path("{id}")
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> delete(@RestPath String sub, @RestPath String id,
                RoutingContext http) {
            return api.delete(scope(sub), id, http);
        }
    }

    /** {@code /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Authorization/roleAssignments}. */
    @Path("/subscriptions/{sub}/resourceGroups/{rg}/" + ASSIGNMENTS)
    @Produces(MediaType.APPLICATION_JSON)
    public static class AtResourceGroup {

        private final RoleAssignmentApi api;

        AtResourceGroup(RoleAssignmentApi api) {
            this.api = api;
        }

        private static String scope(String sub, String rg) {
            return Scopes.require("/subscriptions/" + sub + "/resourceGroups/" + rg);
        }

        @GET
        @AuthorizedInside
        public Uni<ArmList<RoleAssignmentView>> list(@RestPath String sub, @RestPath String rg,
                @RestQuery("$filter") String filter, RoutingContext http) {
            return api.list(scope(sub, rg), filter, http);
        }

        @GET
        @Path("{id}")
        @AuthorizedInside
        public Uni<RoleAssignmentView> get(@RestPath String sub, @RestPath String rg, @RestPath String id,
                RoutingContext http) {
            return api.get(scope(sub, rg), id, http);
        }

        @PUT
        @Path("{id}")
        @Consumes(MediaType.APPLICATION_JSON)
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> put(@RestPath String sub, @RestPath String rg,
                @RestPath String id, byte[] body, RoutingContext http) {
            return api.put(scope(sub, rg), id, body, http);
        }

        @DELETE
        @Path("{id}")
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> delete(@RestPath String sub, @RestPath String rg,
                @RestPath String id, RoutingContext http) {
            return api.delete(scope(sub, rg), id, http);
        }
    }

    /** {@code …/machines/{machine}/providers/Microsoft.Authorization/roleAssignments}: one machine. */
    @Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
    @Produces(MediaType.APPLICATION_JSON)
    public static class AtMachine {

        private final RoleAssignmentApi api;

        AtMachine(RoleAssignmentApi api) {
            this.api = api;
        }

        private static String scope(String sub, String rg, String machine) {
            return Scopes.require("/subscriptions/" + sub + "/resourceGroups/" + rg
                    + "/providers/Microsoft.HybridCompute/machines/" + ResourceNames.requireMachine(machine));
        }

        @GET
        @Path("{machine}/" + ASSIGNMENTS)
        @AuthorizedInside
        public Uni<ArmList<RoleAssignmentView>> list(@RestPath String sub, @RestPath String rg,
                @RestPath String machine, @RestQuery("$filter") String filter, RoutingContext http) {
            return api.list(scope(sub, rg, machine), filter, http);
        }

        @GET
        @Path("{machine}/" + ASSIGNMENTS + "/{id}")
        @AuthorizedInside
        public Uni<RoleAssignmentView> get(@RestPath String sub, @RestPath String rg, @RestPath String machine,
                @RestPath String id, RoutingContext http) {
            return api.get(scope(sub, rg, machine), id, http);
        }

        @PUT
        @Path("{machine}/" + ASSIGNMENTS + "/{id}")
        @Consumes(MediaType.APPLICATION_JSON)
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> put(@RestPath String sub, @RestPath String rg,
                @RestPath String machine, @RestPath String id, byte[] body, RoutingContext http) {
            return api.put(scope(sub, rg, machine), id, body, http);
        }

        @DELETE
        @Path("{machine}/" + ASSIGNMENTS + "/{id}")
        @AuthorizedInside
        public Uni<RestResponse<RoleAssignmentView>> delete(@RestPath String sub, @RestPath String rg,
                @RestPath String machine, @RestPath String id, RoutingContext http) {
            return api.delete(scope(sub, rg, machine), id, http);
        }
    }
}
