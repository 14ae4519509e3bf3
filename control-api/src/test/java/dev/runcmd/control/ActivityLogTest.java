package dev.runcmd.control;

import static dev.runcmd.control.Arm.request;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.activity.ActivityEvent;
import dev.runcmd.control.activity.ActivityLog;
import dev.runcmd.control.activity.ActivityRetention;
import dev.runcmd.proto.v1.JoinTokensGrpc;
import dev.runcmd.proto.v1.ListJoinTokensRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the activity log records and keeps: REST writes with every field (through the real response filter on
 * existing endpoints), refusals before the REST layer, nothing for successful reads, gRPC events through the API,
 * the request ids on every answer (REST, early router answers, gRPC), the table's refusal of updates and deletes,
 * and the retention purge. Each test uses resource groups (or a subscription) of its own.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class ActivityLogTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Inject
    ActivityLog activityLog;

    @Inject
    ActivityRetention retention;

    @Test
    void restWriteIsRecordedWithEveryFieldBeforeTheAnswer() {
        String rg = "rg-activity-write";
        Principals.Principal writer = Principals.contributor("oid-writer");
        ExtractableResponse<Response> created = request().contentType(ContentType.JSON).body("{}")
                .header("x-ms-correlation-request-id", "corr-write-1")
                .header("x-ms-client-request-id", "client-write-1")
                .header("Authorization", writer.bearer())
                .post(Arm.joinTokens(rg)).then().statusCode(201).extract();
        String requestId = created.header("x-ms-request-id");
        assertTrue(requestId.matches(UUID_PATTERN), requestId);
        assertEquals("corr-write-1", created.header("x-ms-correlation-request-id"));

        JsonPath row = row(requestId);
        assertEquals(Arm.SUB, row.getString("subscription_id"));
        assertEquals(rg, row.getString("resource_group"));
        assertEquals(Arm.joinTokens(rg), row.getString("resource_id"));
        assertEquals(Arm.joinTokens(rg).toLowerCase(), row.getString("resource_id_lower"));
        assertEquals("Microsoft.HybridCompute", row.getString("resource_provider"));
        assertEquals("Microsoft.HybridCompute/joinTokens", row.getString("resource_type"));
        assertEquals("Microsoft.HybridCompute/joinTokens/write", row.getString("operation_name"));
        assertEquals("POST", row.getString("http_method"));
        assertEquals("Succeeded", row.getString("status"));
        assertEquals("Created", row.getString("sub_status"));
        assertEquals(201, row.getInt("http_status"));
        assertEquals("oid-writer@example.test", row.getString("caller"));
        assertEquals(writer.objectId(), row.getString("caller_object_id"));
        assertEquals("Application", row.getString("principal_type"));
        assertEquals("127.0.0.1", row.getString("client_ip"));
        assertEquals("corr-write-1", row.getString("correlation_id"));
        assertEquals("client-write-1", row.getString("client_request_id"));
        assertEquals(Map.of(), row.getMap("properties"));
    }

    @Test
    void refusedWriteIsRecordedAsFailedWithItsErrorCodeAndItsCaller() {
        String rg = "rg-activity-refused";
        String requestId = request().contentType(ContentType.JSON).body("[]").post(Arm.joinTokens(rg)).then()
                .statusCode(400).extract().header("x-ms-request-id");

        JsonPath row = row(requestId);
        assertEquals("Failed", row.getString("status"));
        assertEquals("BadRequest", row.getString("sub_status"));
        assertEquals(400, row.getInt("http_status"));
        assertEquals("test-owner", row.getString("caller"));
        assertEquals(CallerIdentityTest.principalOf(TestAuth.OWNER_TOKEN), row.getString("caller_object_id"));
        assertEquals("User", row.getString("principal_type"));
        assertEquals(Map.of("errorCode", "InvalidRequestContent"), row.getMap("properties"));
        assertEquals(0, Db.queryLong("select count(*) from join_token where resource_group = ?", rg));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            POST   | /joinTokens        | false | 400 | MissingApiVersionParameter | Microsoft.HybridCompute/joinTokens/write    | /joinTokens
            POST   | /unknownThings     | true  | 404 | NotFound                   | Microsoft.HybridCompute/unknownThings/write | /unknownThings
            PUT    | /joinTokens        | true  | 405 | MethodNotAllowed           | Microsoft.HybridCompute/joinTokens/write    | /joinTokens
            DELETE | /joinTokens/ABC    | true  | 400 | InvalidResourceName        | Microsoft.HybridCompute/joinTokens/delete   | /joinTokens/ABC
            POST   | /machines/m1/runCommands/rc1/cancel | true | 404 | ParentResourceNotFound | Microsoft.HybridCompute/machines/runCommands/cancel/action | /machines/m1/runCommands/rc1
            """)
    void everyWriteIsRecordedWhateverRefusesIt(String method, String path, boolean apiVersion, int status,
            String errorCode, String operation, String resource) {
        String group = "/subscriptions/" + Arm.SUB + "/resourceGroups/rg-activity-any-write"
                + "/providers/Microsoft.HybridCompute";
        String requestId = (apiVersion ? request() : given()).contentType(ContentType.JSON).body("{}")
                .request(method, group + path).then().statusCode(status).extract().header("x-ms-request-id");

        JsonPath row = row(requestId);
        assertEquals(operation, row.getString("operation_name"));
        assertEquals(group + resource, row.getString("resource_id"));
        assertEquals(status, row.getInt("http_status"));
        assertEquals(Map.of("errorCode", errorCode), row.getMap("properties"));
    }

    @Test
    void whatAuthorizationLeavesInTheContextNamesTheOperationAndProperties() {
        String rg = "rg-activity-authorized";
        Db.insertMachine(Arm.SUB, rg, "web-1");
        String resource = Arm.runCommand(rg, "web-1", "rc");
        String requestId = request().contentType(ContentType.JSON)
                .body("{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"echo hi\"},"
                        + "\"runAsUser\":\"deploy\"}}")
                .put(resource).then().statusCode(201).extract().header("x-ms-request-id");

        JsonPath row = row(requestId);
        assertEquals("Microsoft.HybridCompute/machines/runCommands/write", row.getString("operation_name"));
        assertEquals(resource, row.getString("resource_id"));
        assertEquals(java.util.Set.of("scriptSha256", "runAsUser"), row.getMap("properties").keySet());
        assertEquals(sha256("echo hi"), row.getMap("properties").get("scriptSha256"));
        assertEquals("deploy", row.getMap("properties").get("runAsUser"));
    }

    @Test
    void successfulReadsAreNotRecordedButRefusedReadsAre() {
        String rg = "rg-activity-reads";
        String read = request().get(Arm.joinTokens(rg)).then().statusCode(200).extract().header("x-ms-request-id");
        assertEquals(0, Db.queryLong("select count(*) from activity_log where request_id = ?", read));

        String notFound = request().get(Arm.machines(rg) + "/absent").then().statusCode(404).extract()
                .header("x-ms-request-id");
        assertEquals(0, Db.queryLong("select count(*) from activity_log where request_id = ?", notFound));

        Principals.Principal reader = Principals.of("oid-refused-reader", "Reader",
                List.of("/subscriptions/" + Arm.SUB + "/resourceGroups/rg-activity-elsewhere"));
        String refused = request().header("Authorization", reader.bearer())
                .get(Arm.joinTokens(rg)).then().statusCode(403).extract()
                .header("x-ms-request-id");
        JsonPath row = row(refused);
        assertEquals("Microsoft.HybridCompute/joinTokens/read", row.getString("operation_name"));
        assertEquals("GET", row.getString("http_method"));
        assertEquals("Forbidden", row.getString("sub_status"));
        assertEquals("oid-refused-reader@example.test", row.getString("caller"));
    }

    @Test
    void refusalBeforeTheRestLayerIsRecordedOnceAndChangesNothing() {
        String rg = "rg-activity-unauthenticated";
        ExtractableResponse<Response> refused = request().contentType(ContentType.JSON).body("{}")
                .header("Authorization", "Bearer " + dev.runcmd.proto.pki.ApiToken.generate().text())
                .header("x-ms-correlation-request-id", "corr-401")
                .post(Arm.joinTokens(rg)).then().statusCode(401).extract();
        String requestId = refused.header("x-ms-request-id");
        assertTrue(requestId.matches(UUID_PATTERN), requestId);
        assertEquals("corr-401", refused.header("x-ms-correlation-request-id"));

        assertEquals(1, Db.queryLong("select count(*) from activity_log where request_id = ?", requestId));
        JsonPath row = row(requestId);
        assertEquals("Microsoft.HybridCompute/joinTokens/write", row.getString("operation_name"));
        assertEquals(Arm.joinTokens(rg), row.getString("resource_id"));
        assertEquals("Failed", row.getString("status"));
        assertEquals("Unauthorized", row.getString("sub_status"));
        assertEquals("anonymous", row.getString("caller"));
        assertEquals("corr-401", row.getString("correlation_id"));
        assertEquals(0, Db.queryLong("select count(*) from join_token where resource_group = ?", rg));
    }

    @Test
    void grpcEventIsRecordedWithItsStatusCodeAndCaller() {
        String resource = Arm.runCommand("rg-activity-grpc", "m1", "rc1");
        String requestId = UUID.randomUUID().toString();
        activityLog.record(ActivityEvent.builder()
                .caller(new dev.runcmd.control.auth.Caller("oid-grpc", "oid-grpc@example.test",
                        dev.runcmd.control.auth.Caller.PrincipalType.User, java.util.Set.of(), null, "10.0.0.7"))
                .clientIp("10.0.0.7")
                .requestId(requestId)
                .correlationId("corr-grpc-event")
                .operation("Microsoft.HybridCompute/machines/runCommands/write", resource)
                .grpcStatus(Status.Code.PERMISSION_DENIED)
                .property("runAsUser", "deploy")
                .build()).await().atMost(Duration.ofSeconds(10));

        JsonPath row = row(requestId);
        assertEquals("POST", row.getString("http_method"));
        assertEquals(403, row.getInt("http_status"));
        assertEquals("Forbidden", row.getString("sub_status"));
        assertEquals("Failed", row.getString("status"));
        assertEquals("Microsoft.HybridCompute/machines/runCommands", row.getString("resource_type"));
        assertEquals("rg-activity-grpc", row.getString("resource_group"));
        assertEquals("oid-grpc", row.getString("caller_object_id"));
        assertEquals("10.0.0.7", row.getString("client_ip"));
        assertEquals(Map.of("grpcStatus", "PERMISSION_DENIED", "runAsUser", "deploy"), row.getMap("properties"));
    }

    private static final String NOTHING_HERE = "/subscriptions/" + Arm.SUB + "/nothing-here";

    @Test
    void everyRestAnswerCarriesItsOwnRequestIdAndAPlainCorrelationIdIsKept() {
        ExtractableResponse<Response> first = given().get(NOTHING_HERE).then()
                .statusCode(404).extract();
        ExtractableResponse<Response> second = given().header("x-ms-correlation-request-id", "Client.op-7_a")
                .get(NOTHING_HERE).then().statusCode(404).extract();
        assertTrue(first.header("x-ms-request-id").matches(UUID_PATTERN), first.headers().toString());
        assertTrue(second.header("x-ms-request-id").matches(UUID_PATTERN), second.headers().toString());
        assertNotEquals(first.header("x-ms-request-id"), second.header("x-ms-request-id"));
        assertTrue(first.header("x-ms-correlation-request-id").matches(UUID_PATTERN));
        assertEquals("Client.op-7_a", second.header("x-ms-correlation-request-id"));

        for (String unreasonable : List.of("a b", "x".repeat(129), "semi;colon", "ü")) {
            String answered = given().header("x-ms-correlation-request-id", unreasonable).get(NOTHING_HERE)
                    .then().statusCode(404).extract().header("x-ms-correlation-request-id");
            assertTrue(answered.matches(UUID_PATTERN), unreasonable + " -> " + answered);
        }
        assertEquals("y".repeat(128), given().header("x-ms-correlation-request-id", "y".repeat(128))
                .get(NOTHING_HERE).then().extract().header("x-ms-correlation-request-id"));
    }

    @Test
    void anAnswerOfAnEarlierRouterFilterCarriesTheIds() {
        ExtractableResponse<Response> tooLarge = request().contentType(ContentType.JSON)
                .header("x-ms-correlation-request-id", "corr-413").body("x".repeat(1_048_577))
                .post(Arm.joinTokens("rg-activity-413")).then().statusCode(413).extract();
        assertTrue(tooLarge.header("x-ms-request-id").matches(UUID_PATTERN), tooLarge.headers().toString());
        assertEquals("corr-413", tooLarge.header("x-ms-correlation-request-id"));
    }

    @Test
    void grpcAnswersCarryTheIdsAsResponseMetadata() throws InterruptedException {
        Metadata.Key<String> requestIdKey = Metadata.Key.of("x-ms-request-id", Metadata.ASCII_STRING_MARSHALLER);
        Metadata.Key<String> correlationKey = Metadata.Key.of("x-ms-correlation-request-id",
                Metadata.ASCII_STRING_MARSHALLER);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .intercept(TestAuth.bearer()).build();
        try {
            Metadata sent = new Metadata();
            sent.put(correlationKey, "grpc-corr-1");
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            JoinTokensGrpc.JoinTokensBlockingStub stub = JoinTokensGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent),
                            MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));

            stub.listJoinTokens(ListJoinTokensRequest.newBuilder().setSubscriptionId(Arm.SUB)
                    .setResourceGroup("rg-activity-grpc-ids").build());
            String okRequestId = headers.get().get(requestIdKey);
            assertTrue(okRequestId.matches(UUID_PATTERN), headers.get().toString());
            assertEquals("grpc-corr-1", headers.get().get(correlationKey));

            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> stub.listJoinTokens(
                    ListJoinTokensRequest.newBuilder().setResourceGroup("rg").build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
            // A refusal is trailers-only: its headers arrive as trailers.
            Metadata refusal = headers.get() != null ? headers.get() : trailers.get();
            assertTrue(refusal.get(requestIdKey).matches(UUID_PATTERN), refusal.toString());
            assertNotEquals(okRequestId, refusal.get(requestIdKey));
            assertEquals("grpc-corr-1", refusal.get(correlationKey));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLogRefusesUpdatesDeletesAndTruncation() throws SQLException {
        String requestId = request().contentType(ContentType.JSON).body("{}")
                .post(Arm.joinTokens("rg-activity-append-only")).then().statusCode(201).extract()
                .header("x-ms-request-id");

        assertRefused("activity_log is append-only: UPDATE refused",
                "update activity_log set caller = 'someone else' where request_id = '" + requestId + "'");
        assertRefused("activity_log is append-only: DELETE refused",
                "delete from activity_log where request_id = '" + requestId + "'");
        assertRefused("activity_log is append-only: TRUNCATE refused", "truncate activity_log");
        assertEquals("test-owner", row(requestId).getString("caller"));
    }

    @Test
    void retentionPurgeDeletesOnlyOlderEventsBatchByBatch() {
        String subscription = "retention-" + UUID.randomUUID();
        insertEvents(subscription, 2 * 1000 + 500, "91 days");
        insertEvents(subscription, 1, "89 days");

        retention.purge().await().atMost(Duration.ofSeconds(60));

        assertEquals(0, Db.queryLong("select count(*) from activity_log where subscription_id = ? "
                + "and event_timestamp < now() - interval '90 days'", subscription));
        assertEquals(1, Db.queryLong("select count(*) from activity_log where subscription_id = ?", subscription));
    }

    /** Inserts {@code count} events of {@code subscription} that happened {@code age} ago. */
    private static void insertEvents(String subscription, int count, String age) {
        Db.execute("insert into activity_log (event_data_id, event_timestamp, subscription_id, resource_id, "
                + "resource_id_lower, operation_name, http_method, status, caller) "
                + "select gen_random_uuid(), now() - ?::interval, ?, '/subscriptions/' || ?, '/subscriptions/' || ?, "
                + "'Microsoft.Resources/subscriptions/write', 'PUT', 'Succeeded', 'anonymous' "
                + "from generate_series(1, ?)", age, subscription, subscription, subscription, count);
    }

    private static void assertRefused(String message, String sql) throws SQLException {
        try (Connection c = Db.connect(); Statement statement = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> statement.execute(sql));
            assertTrue(e.getMessage().contains(message), e.getMessage());
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
    }

    /** The activity_log row of a request, as JSON with the column names. */
    private static JsonPath row(String requestId) {
        return JsonPath.from(Db.queryString("select row_to_json(a)::text from activity_log a where request_id = ?",
                requestId));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
