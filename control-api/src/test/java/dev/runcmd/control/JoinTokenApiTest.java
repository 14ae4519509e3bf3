package dev.runcmd.control;

import static dev.runcmd.control.Arm.request;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.v1.CreateJoinTokenRequest;
import dev.runcmd.proto.v1.CreateJoinTokenResponse;
import dev.runcmd.proto.v1.DeleteJoinTokenRequest;
import dev.runcmd.proto.v1.JoinTokensGrpc;
import dev.runcmd.proto.v1.ListJoinTokensRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Join tokens over REST and gRPC: what a new token carries (the CA's public key hash, a secret stored only as its
 * SHA-256), the lists that never show a secret, deletion, and every refusal of a bad request, which writes nothing.
 * Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class JoinTokenApiTest {

    private ManagedChannel channel;
    private JoinTokensGrpc.JoinTokensBlockingStub tokens;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().intercept(TestAuth.bearer()).build();
        tokens = JoinTokensGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void createWithDefaultsCarriesTheCaHashAndStoresOnlyTheSecretsHash() {
        String rg = "rg-token-defaults";
        JsonPath created = create(rg, "{}").statusCode(201).extract().jsonPath();

        JoinToken token = JoinToken.parse(created.getString("properties.token"));
        assertEquals(token.id(), created.getString("name"));
        assertEquals(Arm.joinTokens(rg) + "/" + token.id(), created.getString("id"));
        assertEquals("Microsoft.HybridCompute/joinTokens", created.getString("type"));
        assertEquals(FakeGateway.controlApiCa().publicKeyHash(), token.caHash());
        assertEquals(1, created.getInt("properties.usesLeft"));
        assertFalse(created.getMap("properties").containsKey("machineName"));
        assertEquals(Duration.ofHours(1), Duration.between(Instant.parse(created.getString("properties.createdAt")),
                Instant.parse(created.getString("properties.expiresAt"))));

        assertArrayEquals(token.secretHash(), Db.queryBytes("select secret_hash from join_token where id = ?",
                token.id()));
        String stored = Db.queryString("select row_to_json(t)::text from join_token t where id = ?", token.id());
        assertFalse(stored.contains(token.secret()), "the secret is stored: " + stored);
        assertTrue(stored.contains("\"machine_name\":null"), stored);
    }

    @Test
    void createWithMachineNameLifetimeAndUsesIgnoresUnknownMembers() {
        String rg = "rg-token-options";
        JsonPath created = create(rg, """
                {"location":"ignored","properties":{"machineName":"web-1","expiresInSeconds":60,"uses":10000,
                 "somethingNew":true}}""").statusCode(201).extract().jsonPath();

        assertEquals("web-1", created.getString("properties.machineName"));
        assertEquals(10000, created.getInt("properties.usesLeft"));
        assertEquals(Duration.ofSeconds(60), Duration.between(
                Instant.parse(created.getString("properties.createdAt")),
                Instant.parse(created.getString("properties.expiresAt"))));
        assertEquals(60, Db.queryLong("select extract(epoch from expires_at - created_at)::bigint from join_token "
                + "where id = ?", created.getString("name")));
        assertEquals("web-1", Db.queryString("select machine_name from join_token where id = ?",
                created.getString("name")));
    }

    @Test
    void listShowsExpiredAndSpentTokensOldestFirstWithoutSecrets() {
        String rg = "rg-token-list";
        Db.execute("insert into join_token (id, secret_hash, subscription_id, resource_group, expires_at, uses_left, "
                + "created_at) values ('00000000000000aa', '\\x00', ?, ?, now() - interval '1 day', 0, "
                + "now() - interval '2 days')", Arm.SUB, rg);
        String first = create(rg, "{\"properties\":{\"machineName\":\"db-1\"}}").statusCode(201)
                .extract().jsonPath().getString("properties.token");
        String second = create(rg, "{}").statusCode(201).extract().jsonPath().getString("properties.token");
        create("rg-token-list-other", "{}").statusCode(201);

        String body = request().get(Arm.joinTokens(rg)).then().statusCode(200)
                .body("value.name", equalTo(List.of("00000000000000aa", JoinToken.parse(first).id(),
                        JoinToken.parse(second).id())))
                .body("value[0].properties.usesLeft", equalTo(0))
                .body("value[1].properties.machineName", equalTo("db-1"))
                .body("value[0].properties", not(hasKey("token")))
                .body("value[1].properties", not(hasKey("token")))
                .extract().asString();
        assertFalse(body.contains(JoinToken.parse(first).secret()) || body.contains(JoinToken.parse(second).secret()),
                body);
    }

    @Test
    void deleteRemovesTheTokenOnlyInItsOwnGroup() {
        String rg = "rg-token-delete";
        String id = create(rg, "{}").statusCode(201).extract().jsonPath().getString("name");

        request().delete(Arm.joinTokens("rg-token-delete-other") + "/" + id).then().statusCode(204);
        assertEquals(1, Db.queryLong("select count(*) from join_token where id = ?", id));
        request().delete(Arm.joinTokens(rg) + "/" + id).then().statusCode(200);
        assertEquals(0, Db.queryLong("select count(*) from join_token where id = ?", id));
        request().delete(Arm.joinTokens(rg) + "/" + id).then().statusCode(204);
        request().get(Arm.joinTokens(rg)).then().statusCode(200).body("value", equalTo(List.of()));
    }

    @Test
    void fixedPathSegmentsMatchCaseInsensitively() {
        String rg = "rg-token-case";
        String path = "/subscriptions/" + Arm.SUB + "/resourcegroups/" + rg
                + "/providers/microsoft.hybridcompute/JOINTOKENS";
        String id = request().contentType(ContentType.JSON).body("{}").post(path).then().statusCode(201)
                .extract().jsonPath().getString("name");
        request().get(path).then().statusCode(200).body("value.name", equalTo(List.of(id)));
        request().delete(path + "/" + id).then().statusCode(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty body          | ``                                                  | The request content is empty; a JSON object is required.
            not JSON            | {"properties":                                      | The request content is not valid JSON
            not an object       | []                                                  | The request content must be a JSON object.
            properties array    | {"properties":[]}                                   | Invalid request content at 'properties': expected an object.
            expiry too short    | {"properties":{"expiresInSeconds":59}}              | Invalid request content at 'properties.expiresInSeconds': expected an integer from 60 to 2592000.
            expiry too long     | {"properties":{"expiresInSeconds":2592001}}         | Invalid request content at 'properties.expiresInSeconds': expected an integer from 60 to 2592000.
            expiry as string    | {"properties":{"expiresInSeconds":"3600"}}          | Invalid request content at 'properties.expiresInSeconds': expected an integer from 60 to 2592000.
            expiry fraction     | {"properties":{"expiresInSeconds":60.5}}            | Invalid request content at 'properties.expiresInSeconds': expected an integer from 60 to 2592000.
            no uses             | {"properties":{"uses":0}}                           | Invalid request content at 'properties.uses': expected an integer from 1 to 10000.
            too many uses       | {"properties":{"uses":10001}}                       | Invalid request content at 'properties.uses': expected an integer from 1 to 10000.
            machine not string  | {"properties":{"machineName":7}}                    | Invalid request content at 'properties.machineName': expected a string.
            bad machine name    | {"properties":{"machineName":"bad name!"}}          | Invalid request content at 'properties.machineName': expected a machine name of 1 to 54 characters from letters, digits, '-', '_' and '.', other than '.' and '..'.
            machine name ..     | {"properties":{"machineName":".."}}                 | Invalid request content at 'properties.machineName': expected a machine name
            """)
    void badBodiesAre400AndWriteNothing(String description, String body, String message) {
        String rg = "rg-token-invalid";
        create(rg, body == null ? "" : body).statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", startsWith(message));
        assertEquals(0, Db.queryLong("select count(*) from join_token where resource_group = ?", rg));
    }

    @Test
    void badNamesInThePathAre400() {
        request().contentType(ContentType.JSON).body("{}").post(Arm.joinTokens("bad group!")).then().statusCode(400)
                .body("error.code", equalTo("InvalidResourceGroup"))
                .body("error.message", equalTo("The resource group name 'bad group!' is invalid: use 1 to 90 "
                        + "characters from letters, digits, '-', '_', '.', '(' and ')', other than '.' and '..'."));
        request().contentType(ContentType.JSON).body("{}")
                .post("/subscriptions/s%20s/resourceGroups/rg/providers/Microsoft.HybridCompute/joinTokens")
                .then().statusCode(400).body("error.code", equalTo("InvalidSubscriptionId"));
        request().delete(Arm.joinTokens("rg-token-names") + "/ABC").then().statusCode(400)
                .body("error.code", equalTo("InvalidResourceName"))
                .body("error.message", equalTo("The join token id 'ABC' is invalid: expected 16 lower-case "
                        + "hexadecimal digits, as the token list shows it (the token's second part)."));
        given().contentType(ContentType.JSON).body("{}").post(Arm.joinTokens("rg-token-names")).then()
                .statusCode(400).body("error.code", equalTo("MissingApiVersionParameter"));
        assertEquals(0, Db.queryLong("select count(*) from join_token where resource_group in ('bad group!', 'rg', "
                + "'rg-token-names')"));
    }

    @Test
    void grpcCreatesListsAndDeletesLikeRest() {
        String rg = "rg-token-grpc";
        CreateJoinTokenResponse created = tokens.createJoinToken(CreateJoinTokenRequest.newBuilder()
                .setSubscriptionId(Arm.SUB).setResourceGroup(rg).setMachineName("web-2").setUses(3).build());

        JoinToken token = JoinToken.parse(created.getToken());
        assertEquals(token.id(), created.getJoinToken().getName());
        assertEquals(Arm.joinTokens(rg) + "/" + token.id(), created.getJoinToken().getId());
        assertEquals(FakeGateway.controlApiCa().publicKeyHash(), token.caHash());
        assertEquals("web-2", created.getJoinToken().getMachineName());
        assertEquals(3, created.getJoinToken().getUsesLeft());
        assertEquals(Duration.ofHours(1), Duration.between(Instant.parse(created.getJoinToken().getCreatedAt()),
                Instant.parse(created.getJoinToken().getExpiresAt())));
        assertEquals(List.of(created.getJoinToken()), tokens.listJoinTokens(ListJoinTokensRequest.newBuilder()
                .setSubscriptionId(Arm.SUB).setResourceGroup(rg).build()).getJoinTokensList());
        request().get(Arm.joinTokens(rg)).then().statusCode(200)
                .body("value[0].properties.expiresAt", equalTo(created.getJoinToken().getExpiresAt()));

        DeleteJoinTokenRequest delete = DeleteJoinTokenRequest.newBuilder().setSubscriptionId(Arm.SUB)
                .setResourceGroup(rg).setName(token.id()).build();
        tokens.deleteJoinToken(delete);
        assertStatus(Status.Code.NOT_FOUND, () -> tokens.deleteJoinToken(delete));
        assertEquals(0, Db.queryLong("select count(*) from join_token where resource_group = ?", rg));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            expiry too short   | rg-token-grpc-bad | ''        | 59      | 0     | expires_in_seconds: expected 0 (the default, 3600) or an integer from 60 to 2592000
            expiry negative    | rg-token-grpc-bad | ''        | -1      | 0     | expires_in_seconds: expected 0 (the default, 3600) or an integer from 60 to 2592000
            expiry too long    | rg-token-grpc-bad | ''        | 2592001 | 0     | expires_in_seconds: expected 0 (the default, 3600) or an integer from 60 to 2592000
            uses negative      | rg-token-grpc-bad | ''        | 0       | -1    | uses: expected 0 (the default, 1) or an integer from 1 to 10000
            too many uses      | rg-token-grpc-bad | ''        | 0       | 10001 | uses: expected 0 (the default, 1) or an integer from 1 to 10000
            bad machine name   | rg-token-grpc-bad | bad name! | 0       | 0     | machine_name: expected empty (any new machine) or a machine name of 1 to 54 characters from letters, digits, '-', '_' and '.', other than '.' and '..'
            no resource group  | ''                | ''        | 0       | 0     | resource_group is required
            bad resource group | a/b               | ''        | 0       | 0     | resource_group: The resource group name 'a/b' is invalid
            """)
    void grpcBadCreateRequestsAreInvalidArgumentAndWriteNothing(String description, String rg, String machine,
            long expires, int uses, String message) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> tokens.createJoinToken(
                CreateJoinTokenRequest.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(rg)
                        .setMachineName(machine).setExpiresInSeconds(expires).setUses(uses).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith(message), e.getStatus().getDescription());
        assertEquals(0, Db.queryLong("select count(*) from join_token where resource_group in (?, 'a/b')",
                "rg-token-grpc-bad"));
    }

    @Test
    void grpcBadListAndDeleteRequestsAreInvalidArgument() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> tokens.listJoinTokens(ListJoinTokensRequest.newBuilder()
                .setResourceGroup("rg").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> tokens.deleteJoinToken(DeleteJoinTokenRequest.newBuilder()
                .setSubscriptionId(Arm.SUB).setResourceGroup("rg").setName("not-an-id").build()));
    }

    private static ValidatableResponse create(String rg, String body) {
        return request().contentType(ContentType.JSON).body(body).post(Arm.joinTokens(rg)).then();
    }

    private static void assertStatus(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }
}
