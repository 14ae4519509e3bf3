package dev.runcmd.control;

import io.restassured.RestAssured;
import java.util.List;
import java.util.UUID;

/**
 * Principals for tests that need callers of their own: each is a runcmd token whose name is
 * {@code <name>@example.test}, holding a role at one or more scopes (the first given with the token, the others as
 * role assignments), created through the API as the test profile's owner.
 */
final class Principals {

    /** A principal: what it presents and what role assignments and the activity log name it by. */
    record Principal(String token, String objectId, String name) {

        /** The Authorization header value. */
        String bearer() {
            return "Bearer " + token;
        }
    }

    private Principals() {
    }

    /** A Contributor of the test subscription. */
    static Principal contributor(String name) {
        return of(name, "Contributor", List.of("/subscriptions/" + Arm.SUB));
    }

    /** A principal holding {@code role} at every one of {@code scopes}. */
    static Principal of(String name, String role, List<String> scopes) {
        String displayName = name + "@example.test";
        String token = CallerIdentityTest.createToken(displayName, role, scopes.get(0));
        String objectId = CallerIdentityTest.principalOf(token);
        String roleId = dev.runcmd.control.auth.BuiltInRoles.byName(role).orElseThrow().id();
        for (String scope : scopes.subList(1, scopes.size())) {
            RestAssured.given().queryParam("api-version", "2022-04-01").contentType("application/json")
                    .body("{\"properties\":{\"roleDefinitionId\":\"" + roleId + "\",\"principalId\":\"" + objectId
                            + "\",\"principalType\":\"ServicePrincipal\"}}")
                    .put(scope + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID())
                    .then().statusCode(201);
        }
        return new Principal(token, objectId, displayName);
    }
}
