package dev.runcmd.control;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.runcmd.control.auth.OidcProvider;
import dev.runcmd.control.auth.OidcProviderResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Callers with OIDC access tokens from a real provider (oidc-provider, started by the test): the token's subject
 * and groups are what role assignments name, a group's assignment reaches every member and no one else,
 * systemData shows the user's name, and a token the provider did not sign is refused 401.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(OidcProviderResource.class)
class OidcCallerTest {

    OidcProvider provider;

    @Test
    void groupAssignmentsReachMembersOnlyAndSystemDataNamesTheUser() {
        Db.insertMachine(Arm.SUB, "oidc-group", "web-1");
        String scope = "/subscriptions/" + Arm.SUB + "/resourceGroups/oidc-group";
        String alice = provider.token(OidcProviderResource.USER);
        String app = provider.token(OidcProviderResource.APP);

        as(alice).get(Arm.machines("oidc-group") + "/web-1").then().statusCode(403)
                .body("error.message", containsString("The client 'alice@example.com' with object id '"
                        + OidcProviderResource.USER_OID + "'"));
        assign(scope, "acdd72a7-3385-48ef-bd42-f606fba81ae7", "auditors", "Group");
        as(alice).get(Arm.machines("oidc-group") + "/web-1").then().statusCode(200);
        as(app).get(Arm.machines("oidc-group") + "/web-1").then().statusCode(403);

        assign(scope, "b24988ac-6180-42a0-ab88-20f7382dd24c", OidcProviderResource.USER_OID, "User");
        as(alice).contentType("application/json").body(Arm.scriptBody("echo hi"))
                .put(Arm.runCommand("oidc-group", "web-1", "rc")).then().statusCode(201)
                .body("systemData.createdBy", equalTo("alice@example.com"))
                .body("systemData.createdByType", equalTo("User"));
        as(app).contentType("application/json").body(Arm.scriptBody("echo hi"))
                .put(Arm.runCommand("oidc-group", "web-1", "rc")).then().statusCode(403);
    }

    @Test
    void tokensTheProviderDidNotSignAreRefused() {
        OidcProvider impostor = OidcProvider.impostorOf(provider);
        try {
            as(impostor.token(OidcProviderResource.USER)).get(Arm.machines("oidc-any")).then().statusCode(401)
                    .body("error.code", equalTo("InvalidAuthenticationToken"));
        } finally {
            impostor.close();
        }
        String alice = provider.token(OidcProviderResource.USER);
        String[] parts = alice.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2)
                + (parts[1].endsWith("A") ? "BB" : "AA") + "." + parts[2];
        as(tampered).get(Arm.machines("oidc-any")).then().statusCode(401)
                .body("error.code", equalTo("InvalidAuthenticationToken"));
    }

    private static io.restassured.specification.RequestSpecification as(String token) {
        return RestAssured.given().queryParam("api-version", Arm.VERSION).header("Authorization", "Bearer " + token);
    }

    private static void assign(String scope, String role, String principal, String type) {
        RestAssured.given().queryParam("api-version", "2022-04-01").contentType("application/json")
                .body("{\"properties\":{\"roleDefinitionId\":\"" + role + "\",\"principalId\":\"" + principal
                        + "\",\"principalType\":\"" + type + "\"}}")
                .put(scope + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID())
                .then().statusCode(201);
    }
}
