package dev.runcmd.control;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Caller identity with runcmd tokens, over REST, gRPC and output following: missing, malformed, tampered, unknown,
 * expired and revoked tokens are refused 401 (UNAUTHENTICATED) and change nothing; roles at scopes decide what a
 * caller may do (403 AuthorizationFailed / PERMISSION_DENIED in Azure's words), inherited downwards; lists show only
 * what the caller may read; runs as root need the root operator's role; systemData names the caller. Each test uses
 * its own resource groups.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class CallerIdentityTest {

    private static final String SUB = Arm.SUB;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ManagedChannel channel;

    /** Readiness, on the management interface: open to probes. */
    @TestHTTPResource(value = "/health/ready", management = true) // the management root is /q
    java.net.URL readiness;

    @BeforeEach
    void open() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void requestsWithoutAUsableTokenAreRefusedAndChangeNothing() throws Exception {
        Db.insertMachine(SUB, "id-none", "web-1");
        String path = Arm.runCommand("id-none", "web-1", "rc") + "?api-version=" + Arm.VERSION;

        HttpResponse<String> missing = send("PUT", path, null, Arm.scriptBody("echo hi"));
        assertEquals(401, missing.statusCode());
        assertTrue(missing.body().contains("\"code\":\"AuthenticationFailed\""), missing.body());
        assertTrue(missing.body().contains("The 'Authorization' header is missing."), missing.body());
        assertTrue(missing.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer "));

        HttpResponse<String> basic = send("PUT", path, "Basic dXNlcjpwYXNz", Arm.scriptBody("echo hi"));
        assertEquals(401, basic.statusCode());
        assertTrue(basic.body().contains("\"code\":\"AuthenticationFailed\""), basic.body());

        String owner = TestAuth.OWNER_TOKEN;
        String tampered = owner.substring(0, owner.length() - 2) + (owner.endsWith("A") ? "BB" : "AA");
        HttpResponse<String> forged = send("PUT", path, "Bearer " + tampered, Arm.scriptBody("echo hi"));
        assertEquals(401, forged.statusCode());
        assertTrue(forged.body().contains("\"code\":\"InvalidAuthenticationToken\""), forged.body());
        assertTrue(!forged.body().contains(tampered), "a refused token is never echoed");

        HttpResponse<String> unknown = send("GET", path, "Bearer " + dev.runcmd.proto.pki.ApiToken.generate().text(),
                null);
        assertEquals(401, unknown.statusCode());
        assertTrue(unknown.body().contains("InvalidAuthenticationToken"), unknown.body());

        HttpResponse<String> jwt = send("GET", path, "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", null);
        assertEquals(401, jwt.statusCode());
        assertTrue(jwt.body().contains("InvalidAuthenticationToken"), jwt.body());

        assertEquals(0, Db.queryLong("select count(*) from run_command rc join machine m on m.id = rc.machine_id "
                + "where m.resource_group = 'id-none'"));

        StatusRuntimeException grpc = assertThrows(StatusRuntimeException.class, () -> RunCommandsGrpc
                .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRunCommand(GetRunCommandRequest.newBuilder().setMachine(machine("id-none", "web-1"))
                        .setName("rc").build()));
        assertEquals(Status.Code.UNAUTHENTICATED, grpc.getStatus().getCode());
        assertEquals("Authentication failed. The 'Authorization' header is missing.", grpc.getStatus().getDescription());

        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(readiness.toURI()).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "health on the management interface needs no credential");
    }

    @Test
    void reflectionNeedsAToken() {
        MethodDescriptor<byte[], byte[]> reflection = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                .setFullMethodName("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
                .setRequestMarshaller(new BadPeersTest.RawBytes()).setResponseMarshaller(new BadPeersTest.RawBytes())
                .build();
        var call = channel.newCall(reflection, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        var responses = ClientCalls.blockingServerStreamingCall(call, new byte[] {0x3a, 0x01, 0x2a});
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, responses::hasNext);
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
    }

    @Test
    void expiredAndRevokedTokensAreRefused() throws Exception {
        Db.insertMachine(SUB, "id-life", "web-1");
        String path = Arm.machines("id-life") + "/web-1?api-version=" + Arm.VERSION;

        String expiring = createToken("expiring", "Reader", "/subscriptions/" + SUB + "/resourceGroups/id-life");
        Db.execute("update api_token set expires_at = now() - interval '1 minute' where id = ?", idOf(expiring));
        HttpResponse<String> expired = send("GET", path, "Bearer " + expiring, null);
        assertEquals(401, expired.statusCode());
        assertTrue(expired.body().contains("InvalidAuthenticationToken") && expired.body().contains("expired"),
                expired.body());

        String revoked = createToken("revoked", "Reader", "/subscriptions/" + SUB + "/resourceGroups/id-life");
        assertEquals(200, send("GET", path, "Bearer " + revoked, null).statusCode());
        RestAssured.given().queryParam("api-version", Arm.VERSION)
                .delete("/providers/runcmd.Authorization/tokens/" + idOf(revoked))
                .then().statusCode(200).body("properties.revokedAt", not(equalTo(null)));
        HttpResponse<String> after = send("GET", path, "Bearer " + revoked, null);
        assertEquals(401, after.statusCode());
        assertTrue(after.body().contains("revoked"), after.body());
        assertEquals(0, Db.queryLong("select count(*) from role_assignment where principal_id = ?",
                principalOf(revoked)), "a revoked token's assignments go with it");
    }

    @Test
    void aReaderReadsButCannotWriteAndAScopedTokenStaysInItsGroup() throws Exception {
        Db.insertMachine(SUB, "id-read-a", "web-1");
        Db.insertMachine(SUB, "id-read-b", "web-1");
        Arm.put(Arm.runCommand("id-read-a", "web-1", "rc"), Arm.scriptBody("echo a")).statusCode(201);
        String reader = createToken("reader-a", "Reader", "/subscriptions/" + SUB + "/resourceGroups/id-read-a");

        as(reader).get(Arm.runCommand("id-read-a", "web-1", "rc")).then().statusCode(200);
        as(reader).contentType("application/json").body(Arm.scriptBody("echo b"))
                .put(Arm.runCommand("id-read-a", "web-1", "rc"))
                .then().statusCode(403)
                .body("error.code", equalTo("AuthorizationFailed"))
                .body("error.message", equalTo("The client 'reader-a' with object id '" + principalOf(reader)
                        + "' does not have authorization to perform action "
                        + "'Microsoft.HybridCompute/machines/runCommands/write' over scope '"
                        + Arm.runCommand("id-read-a", "web-1", "rc") + "' or the scope is invalid. If access was "
                        + "recently granted, please refresh your credentials."));
        assertEquals("echo a", Db.queryString("select script from run_command rc join machine m on m.id = "
                + "rc.machine_id where m.resource_group = 'id-read-a'"), "a refused write changes nothing");

        as(reader).get(Arm.machines("id-read-b") + "/web-1").then().statusCode(403)
                .body("error.code", equalTo("AuthorizationFailed"));
        as(reader).get(Arm.runCommands("id-read-b", "web-1")).then().statusCode(403);

        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> RunCommandsGrpc
                .newBlockingStub(channel).withInterceptors(TestAuth.bearer(reader))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .createOrUpdateRunCommand(CreateOrUpdateRunCommandRequest.newBuilder()
                        .setMachine(machine("id-read-a", "web-1")).setName("rc").setScript("echo c").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getStatus().getDescription().contains("does not have authorization to perform action "
                + "'Microsoft.HybridCompute/machines/runCommands/write'"), denied.getStatus().getDescription());
        assertEquals("rc", RunCommandsGrpc.newBlockingStub(channel).withInterceptors(TestAuth.bearer(reader))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRunCommand(GetRunCommandRequest.newBuilder().setMachine(machine("id-read-a", "web-1"))
                        .setName("rc").build()).getName());

        HttpResponse<String> followOther = send("GET", Arm.runCommand("id-read-b", "web-1", "rc")
                + "/output?follow=true&api-version=" + Arm.VERSION, "Bearer " + reader, null);
        assertEquals(403, followOther.statusCode());
        HttpResponse<String> follow = send("GET", Arm.runCommand("id-read-a", "web-1", "rc")
                + "/output?follow=false&api-version=" + Arm.VERSION, "Bearer " + reader, null);
        assertEquals(200, follow.statusCode());
    }

    @Test
    void aSubscriptionRoleReachesEveryGroupAndListsShowOnlyWhatTheCallerMayRead() throws Exception {
        Db.insertMachine(SUB, "id-inherit", "web-1");
        Db.insertMachine(SUB, "id-inherit", "web-2");
        Db.insertMachine(SUB, "id-inherit", "db-1");
        String wide = createToken("wide", "Reader", "/subscriptions/" + SUB);
        as(wide).get(Arm.machines("id-inherit") + "/db-1").then().statusCode(200);
        as(wide).get(Arm.machines("id-inherit")).then().statusCode(200).body("value.name",
                equalTo(List.of("db-1", "web-1", "web-2")));

        String narrow = createToken("narrow", "Reader", Arm.machines("id-inherit") + "/web-2");
        as(narrow).get(Arm.machines("id-inherit")).then().statusCode(200).body("value.name",
                equalTo(List.of("web-2")));
        as(narrow).get(Arm.machines("id-inherit") + "/web-1").then().statusCode(403);

        String elsewhere = createToken("elsewhere", "Owner", "/subscriptions/00000000-0000-0000-0000-0000000000ff");
        as(elsewhere).get(Arm.machines("id-inherit")).then().statusCode(200).body("value.size()", equalTo(0));
    }

    @Test
    void operatorsRunAsNamedUsersOnlyRootOperatorsAsRootAndSystemDataNamesTheCaller() throws Exception {
        Db.insertMachine(SUB, "id-run", "web-1");
        String scope = "/subscriptions/" + SUB + "/resourceGroups/id-run";
        String operator = createToken("deployer", "Run Command Operator", scope);
        String rc = Arm.runCommand("id-run", "web-1", "rc");

        as(operator).contentType("application/json").body(Arm.scriptBody("id")).put(rc)
                .then().statusCode(403).body("error.message",
                        containsString("'Microsoft.HybridCompute/machines/runCommands/runAsRoot/action'"));
        assertEquals(0, Db.queryLong("select count(*) from run_command rc join machine m on m.id = rc.machine_id "
                + "where m.resource_group = 'id-run'"));

        String asDeploy = "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"id\"},"
                + "\"runAsUser\":\"deploy\"}}";
        as(operator).contentType("application/json").body(asDeploy).put(rc).then().statusCode(201)
                .body("systemData.createdBy", equalTo("deployer"))
                .body("systemData.createdByType", equalTo("Application"))
                .body("systemData.lastModifiedBy", equalTo("deployer"));
        // A PATCH that leaves runAsUser alone keeps running as deploy; one that clears it would run as root.
        as(operator).contentType("application/json").body("{\"properties\":{\"runAsUser\":null}}").patch(rc)
                .then().statusCode(403);
        as(operator).contentType("application/json").body("{\"properties\":{\"timeoutInSeconds\":60}}").patch(rc)
                .then().statusCode(200);
        as(operator).delete(rc).then().statusCode(403);
        as(operator).post(rc + "/cancel").then().statusCode(200);

        String root = createToken("root-deployer", "Run Command Root Operator", scope);
        as(root).contentType("application/json").body(Arm.scriptBody("id")).put(rc).then().statusCode(200)
                .body("systemData.createdBy", equalTo("deployer"))
                .body("systemData.lastModifiedBy", equalTo("root-deployer"))
                .body("systemData.lastModifiedByType", equalTo("Application"));
    }

    @Test
    void ownersManageRoleAssignmentsInAzuresShapeAndContributorsCannot() throws Exception {
        Db.insertMachine(SUB, "id-assign", "web-1");
        String scope = "/subscriptions/" + SUB + "/resourceGroups/id-assign";
        String contributor = createToken("contrib", "Contributor", scope);
        String reader = createToken("later-reader", "Reader", "/subscriptions/" + SUB + "/resourceGroups/id-other");
        String readerId = principalOf(reader);
        String assignmentId = UUID.randomUUID().toString();
        String assignment = scope + "/providers/Microsoft.Authorization/roleAssignments/" + assignmentId;
        String body = "{\"properties\":{\"roleDefinitionId\":\"/subscriptions/" + SUB + "/providers/"
                + "Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7\",\"principalId\":\""
                + readerId + "\",\"principalType\":\"ServicePrincipal\"}}";

        as(reader).get(Arm.machines("id-assign") + "/web-1").then().statusCode(403);
        RestAssured.given().header("Authorization", "Bearer " + contributor).queryParam("api-version", "2022-04-01")
                .contentType("application/json").body(body)
                .put(assignment).then().statusCode(403).body("error.message",
                        containsString("'Microsoft.Authorization/roleAssignments/write'"));
        RestAssured.given().queryParam("api-version", "2022-04-01").contentType("application/json").body(body)
                .put(assignment).then().statusCode(201)
                .body("id", equalTo(assignment))
                .body("type", equalTo("Microsoft.Authorization/roleAssignments"))
                .body("properties.scope", equalTo(scope))
                .body("properties.principalId", equalTo(readerId))
                .body("properties.createdBy", equalTo("test-owner"));
        as(reader).get(Arm.machines("id-assign") + "/web-1").then().statusCode(200);

        RestAssured.given().queryParam("api-version", "2022-04-01")
                .queryParam("$filter", "principalId eq '" + readerId + "'")
                .get("/subscriptions/" + SUB + "/providers/Microsoft.Authorization/roleAssignments")
                .then().statusCode(200).body("value.name", hasItems(assignmentId));
        RestAssured.given().queryParam("api-version", "2022-04-01").contentType("application/json")
                .body(body.replace("acdd72a7-3385-48ef-bd42-f606fba81ae7", "00000000-0000-0000-0000-00000000dead"))
                .put(scope + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID())
                .then().statusCode(400).body("error.code", equalTo("RoleDefinitionDoesNotExist"));
        RestAssured.given().queryParam("api-version", "2022-04-01").contentType("application/json").body(body)
                .put(scope + "/providers/Microsoft.Authorization/roleAssignments/not-a-guid")
                .then().statusCode(400).body("error.code", equalTo("InvalidRoleAssignmentId"));
        RestAssured.given().queryParam("api-version", "2022-04-01")
                .get("/subscriptions/" + SUB + "/providers/Microsoft.Authorization/roleDefinitions")
                .then().statusCode(200).body("value.properties.roleName", equalTo(List.of("Reader",
                        "Run Command Operator", "Run Command Root Operator", "Contributor", "Owner")));

        RestAssured.given().queryParam("api-version", "2022-04-01").delete(assignment).then().statusCode(200);
        as(reader).get(Arm.machines("id-assign") + "/web-1").then().statusCode(403);
        RestAssured.given().queryParam("api-version", "2022-04-01").delete(assignment).then().statusCode(204);
    }

    @Test
    void grpcWritesAndDenialsAreOnRecordWithTheirCaller() {
        Db.insertMachine(SUB, "id-grpc-log", "web-1");
        String scope = "/subscriptions/" + SUB + "/resourceGroups/id-grpc-log";
        String reader = createToken("grpc-log-reader", "Reader", scope);
        String operator = createToken("grpc-log-operator", "Run Command Root Operator", scope);
        CreateOrUpdateRunCommandRequest run = CreateOrUpdateRunCommandRequest.newBuilder()
                .setMachine(machine("id-grpc-log", "web-1")).setName("rc").setLocation("eastus").setScript("echo hi")
                .build();

        assertThrows(StatusRuntimeException.class, () -> RunCommandsGrpc.newBlockingStub(channel)
                .withInterceptors(TestAuth.bearer(reader)).withDeadlineAfter(10, TimeUnit.SECONDS)
                .createOrUpdateRunCommand(run));
        RunCommandsGrpc.newBlockingStub(channel).withInterceptors(TestAuth.bearer(operator))
                .withDeadlineAfter(10, TimeUnit.SECONDS).createOrUpdateRunCommand(run);

        String resource = Arm.runCommand("id-grpc-log", "web-1", "rc");
        assertEquals("Failed|Forbidden|" + resource, Db.queryString("select status || '|' || sub_status || '|' "
                + "|| resource_id from activity_log where caller = 'grpc-log-reader'"));
        assertEquals("Succeeded|Microsoft.HybridCompute/machines/runCommands/write|" + principalOf(operator),
                Db.queryString("select status || '|' || operation_name || '|' || caller_object_id from activity_log "
                        + "where caller = 'grpc-log-operator'"));
        assertEquals("(agent user)", Db.queryString("select properties->>'runAsUser' from activity_log "
                + "where caller = 'grpc-log-operator'"));
        assertEquals(64, Db.queryString("select properties->>'scriptSha256' from activity_log "
                + "where caller = 'grpc-log-operator'").length());
    }

    @Test
    void tokensAreShownOnceAndListedWithoutSecrets() {
        String scope = "/subscriptions/" + SUB + "/resourceGroups/id-tokens";
        ValidatableResponse created = RestAssured.given().queryParam("api-version", Arm.VERSION)
                .contentType("application/json")
                .body("{\"properties\":{\"displayName\":\"ci-deploy\",\"roleName\":\"Reader\",\"scope\":\"" + scope
                        + "\",\"expiresInSeconds\":3600}}")
                .post("/providers/runcmd.Authorization/tokens").then().statusCode(201)
                .body("properties.token", startsWith("runcmd-pat."))
                .body("properties.roleName", equalTo("Reader"))
                .body("properties.scope", equalTo(scope));
        String id = created.extract().path("name");
        String text = created.extract().path("properties.token");
        byte[] stored = Db.queryBytes("select secret_hash from api_token where id = ?", id);
        assertEquals(32, stored.length);
        RestAssured.given().queryParam("api-version", Arm.VERSION).get("/providers/runcmd.Authorization/tokens")
                .then().statusCode(200).body("value.name", hasItems(id))
                .body(not(containsString(text.substring(text.lastIndexOf('.') + 1))));
        RestAssured.given().queryParam("api-version", Arm.VERSION).contentType("application/json")
                .body("{\"properties\":{\"displayName\":\"x\",\"roleName\":\"Boss\",\"scope\":\"" + scope + "\"}}")
                .post("/providers/runcmd.Authorization/tokens").then().statusCode(400)
                .body("error.code", equalTo("RoleDefinitionDoesNotExist"));
        RestAssured.given().queryParam("api-version", Arm.VERSION).contentType("application/json")
                .body("{\"properties\":{\"displayName\":\"x\",\"roleName\":\"Reader\",\"scope\":\"/nope\"}}")
                .post("/providers/runcmd.Authorization/tokens").then().statusCode(400)
                .body("error.code", equalTo("InvalidScope"));
        RestAssured.given().queryParam("api-version", Arm.VERSION).contentType("application/json")
                .body("{\"properties\":{\"displayName\":\"x\",\"roleName\":\"Reader\",\"scope\":\"" + scope
                        + "\",\"expiresInSeconds\":999999999}}")
                .post("/providers/runcmd.Authorization/tokens").then().statusCode(400);
    }

    /** Creates a runcmd token as the owner; answers its text. */
    static String createToken(String name, String role, String scope) {
        return RestAssured.given().queryParam("api-version", Arm.VERSION).contentType("application/json")
                .body("{\"properties\":{\"displayName\":\"" + name + "\",\"roleName\":\"" + role + "\",\"scope\":\""
                        + scope + "\"}}")
                .post("/providers/runcmd.Authorization/tokens").then().statusCode(201)
                .extract().path("properties.token");
    }

    static io.restassured.specification.RequestSpecification as(String token) {
        return RestAssured.given().queryParam("api-version", Arm.VERSION).header("Authorization", "Bearer " + token);
    }

    static String idOf(String token) {
        return dev.runcmd.proto.pki.ApiToken.parse(token).id();
    }

    static String principalOf(String token) {
        String id = idOf(token);
        return id.substring(0, 8) + "-" + id.substring(8, 12) + "-" + id.substring(12, 16) + "-"
                + id.substring(16, 20) + "-" + id.substring(20);
    }

    private static MachineRef machine(String rg, String name) {
        return MachineRef.newBuilder().setSubscriptionId(SUB).setResourceGroup(rg).setMachineName(name).build();
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
