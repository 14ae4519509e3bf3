package dev.runcmd.control.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.RequestJson;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Role assignments at any scope, as Azure serves them under {@code {scope}/providers/Microsoft.Authorization/
 * roleAssignments}: the resource classes of each scope form delegate here. Writing or deleting one needs
 * {@code Microsoft.Authorization/roleAssignments/write|delete} at its scope (Owner); a list shows the assignments
 * at, above and below the scope that the caller may read.
 */
@ApplicationScoped
public class RoleAssignmentApi {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
            + "-[0-9a-fA-F]{12}");
    private static final Pattern PRINCIPAL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:/+=-]{0,255}");
    private static final Pattern PRINCIPAL_FILTER = Pattern.compile("(?i)\\s*(principalId\\s+eq|assignedTo\\()\\s*'"
            + "([^']*)'\\s*\\)?\\s*");
    private static final Set<String> PRINCIPAL_TYPES = Set.of("User", "Group", "ServicePrincipal");

    private final AccessStore store;
    private final Access access;
    private final ObjectReader reader;

    RoleAssignmentApi(AccessStore store, Access access, ObjectMapper mapper) {
        this.store = store;
        this.access = access;
        this.reader = RequestJson.strictReader(mapper);
    }

    /** PUT: 201 with the new assignment, 200 when this id already holds exactly this assignment. */
    public Uni<RestResponse<RoleAssignmentView>> put(String scope, String id, byte[] body, RoutingContext http) {
        String assignmentId = requireId(id);
        ObjectNode properties = RequestJson.object(RequestJson.member(RequestJson.readObject(reader, body),
                "properties"), "properties");
        String roleReference = RequestJson.text(RequestJson.member(properties, "roleDefinitionId"),
                "properties.roleDefinitionId");
        RoleDefinition role = BuiltInRoles.byReference(roleReference).orElseThrow(() -> new ArmException(400,
                "RoleDefinitionDoesNotExist", "The specified role definition with ID '" + roleReference
                        + "' does not exist. GET /subscriptions/{subscriptionId}/providers/Microsoft.Authorization/"
                        + "roleDefinitions lists the built-in roles."));
        String principalId = RequestJson.text(RequestJson.member(properties, "principalId"), "properties.principalId");
        if (!PRINCIPAL_ID.matcher(principalId).matches()) {
            throw RequestJson.invalid("properties.principalId", "expected an object id (1 to 256 letters, digits "
                    + "and ._@:/+=-)");
        }
        String principalType = RequestJson.optionalText(RequestJson.member(properties, "principalType"),
                "properties.principalType");
        if (principalType == null) {
            principalType = "User";
        } else if (!PRINCIPAL_TYPES.contains(principalType)) {
            throw RequestJson.invalid("properties.principalType", "expected User, Group or ServicePrincipal");
        }
        Caller caller = Access.callerOf(http);
        RoleAssignment wanted = new RoleAssignment(assignmentId, scope, role.id(), principalId, principalType,
                AccessStore.now(), caller.name());
        return access.require(http, Actions.ROLE_ASSIGNMENT_WRITE, wanted.resourceId())
                .chain(() -> store.assignment(assignmentId))
                .chain(existing -> {
                    if (existing.isPresent()) {
                        RoleAssignment stored = existing.get();
                        if (stored.scope().equalsIgnoreCase(scope) && stored.roleDefinitionId().equals(role.id())
                                && stored.principalId().equals(principalId)) {
                            return Uni.createFrom().item(RestResponse.ok(RoleAssignmentView.of(stored)));
                        }
                        throw new ArmException(409, "RoleAssignmentUpdateNotPermitted", "The role assignment '"
                                + assignmentId + "' already exists with another role, principal or scope; those "
                                + "cannot be updated. Delete it and create a new one.");
                    }
                    return store.createAssignment(wanted)
                            .invoke(access::changed)
                            .map(created -> RestResponse.status(RestResponse.Status.CREATED,
                                    RoleAssignmentView.of(wanted)));
                });
    }

    /** GET one: 404 RoleAssignmentNotFound when absent or at another scope. */
    public Uni<RoleAssignmentView> get(String scope, String id, RoutingContext http) {
        String assignmentId = requireId(id);
        String resourceId = new RoleAssignment(assignmentId, scope, null, null, null, null, null).resourceId();
        return access.require(http, Actions.ROLE_ASSIGNMENT_READ, resourceId)
                .chain(() -> store.assignment(assignmentId))
                .map(found -> found.filter(assignment -> assignment.scope().equalsIgnoreCase(scope))
                        .map(RoleAssignmentView::of)
                        .orElseThrow(() -> notFound(assignmentId)));
    }

    /** DELETE: 200 with the deleted assignment, 204 when there was none at this scope. */
    public Uni<RestResponse<RoleAssignmentView>> delete(String scope, String id, RoutingContext http) {
        String assignmentId = requireId(id);
        String resourceId = new RoleAssignment(assignmentId, scope, null, null, null, null, null).resourceId();
        return access.require(http, Actions.ROLE_ASSIGNMENT_DELETE, resourceId)
                .chain(() -> store.assignment(assignmentId))
                .chain(found -> {
                    if (found.isEmpty() || !found.get().scope().equalsIgnoreCase(scope)) {
                        return Uni.createFrom().item(RestResponse.<RoleAssignmentView>noContent());
                    }
                    return store.deleteAssignment(assignmentId)
                            .invoke(access::changed)
                            .map(deleted -> RestResponse.ok(RoleAssignmentView.of(found.get())));
                });
    }

    /**
     * GET the list: the assignments at, above and below {@code scope} the caller may read, optionally only a
     * principal's ({@code $filter=principalId eq '…'} or {@code assignedTo('…')}; {@code atScope()} is accepted
     * and ignored).
     */
    public Uni<ArmList<RoleAssignmentView>> list(String scope, String filter, RoutingContext http) {
        String principal = principalFilter(filter);
        http.put(Access.ACTION_KEY, Actions.ROLE_ASSIGNMENT_READ);
        http.put(Access.RESOURCE_KEY, scope);
        return access.checker(Access.callerOf(http), Actions.ROLE_ASSIGNMENT_READ)
                .chain(readable -> store.assignmentsAround(scope).map(all -> ArmList.of(all.stream()
                        .filter(assignment -> principal == null || assignment.principalId().equals(principal))
                        .filter(assignment -> readable.test(assignment.resourceId()))
                        .map(RoleAssignmentView::of)
                        .toList())));
    }

    private static String principalFilter(String filter) {
        if (filter == null || filter.isBlank() || filter.strip().equalsIgnoreCase("atScope()")) {
            return null;
        }
        Matcher matcher = PRINCIPAL_FILTER.matcher(filter);
        if (!matcher.matches()) {
            throw new ArmException(400, "InvalidFilter", "The $filter '" + filter + "' is not supported: use "
                    + "\"principalId eq '{id}'\", \"assignedTo('{id}')\" or \"atScope()\".");
        }
        return matcher.group(2);
    }

    private static String requireId(String id) {
        if (id == null || !GUID.matcher(id).matches()) {
            throw new ArmException(400, "InvalidRoleAssignmentId", "The role assignment ID '" + id
                    + "' is not valid. The role assignment ID must be a GUID.");
        }
        return id.toLowerCase(Locale.ROOT);
    }

    private static ArmException notFound(String id) {
        return new ArmException(404, "RoleAssignmentNotFound", "The role assignment '" + id + "' is not found.");
    }

    /** A fresh assignment id. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

}
