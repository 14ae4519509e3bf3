package dev.runcmd.control;

import static dev.runcmd.control.Arm.request;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading the activity log as Azure Monitor serves it: the event's fields, the filter grammar over HTTP, keyset
 * paging by nextLink, and what each caller may see (only events at or under its scopes, segment-safe, in SQL so
 * that pages stay full). Each test writes events of its own, told apart by a correlation id of its own.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class ActivityLogQueryApiTest {

    private static final String VALUES = "/subscriptions/" + Arm.SUB
            + "/providers/Microsoft.Insights/eventtypes/management/values";

    @Test
    void anEventShowsAzureActivityLogFields() {
        String rg = "rg-query-fields";
        String correlation = "corr-" + UUID.randomUUID();
        Principals.Principal fields = Principals.contributor("oid-fields");
        String requestId = request().contentType(ContentType.JSON).body("{}")
                .header("x-ms-correlation-request-id", correlation).header("x-ms-client-request-id", "cli-1")
                .header("Authorization", fields.bearer())
                .post(Arm.joinTokens(rg)).then().statusCode(201).extract().header("x-ms-request-id");

        JsonPath page = query(since() + " and correlationId eq '" + correlation + "'").get(VALUES).then()
                .statusCode(200).extract().jsonPath();
        assertEquals(1, page.getList("value").size());
        assertNull(page.get("nextLink"));
        JsonPath event = page.setRootPath("value[0]");
        String eventDataId = event.getString("eventDataId");
        assertEquals(Map.of("action", "Microsoft.HybridCompute/joinTokens/write", "scope", Arm.joinTokens(rg)),
                event.getMap("authorization"));
        assertEquals("oid-fields@example.test", event.getString("caller"));
        assertEquals("Operation", event.getString("channels"));
        assertEquals(Map.of("http://schemas.microsoft.com/identity/claims/objectidentifier", fields.objectId(),
                "name", "oid-fields@example.test", "principalType", "Application"), event.getMap("claims"));
        assertEquals(correlation, event.getString("correlationId"));
        assertEquals(Map.of("value", "EndRequest", "localizedValue", "End request"), event.getMap("eventName"));
        assertEquals(Map.of("value", "Administrative", "localizedValue", "Administrative"),
                event.getMap("category"));
        Instant time = Instant.parse(event.getString("eventTimestamp"));
        assertEquals(Map.of("clientRequestId", "cli-1", "clientIpAddress", "127.0.0.1", "method", "POST"),
                event.getMap("httpRequest"));
        long ticks = 621_355_968_000_000_000L + time.getEpochSecond() * 10_000_000L + time.getNano() / 100;
        assertEquals(Arm.joinTokens(rg) + "/events/" + eventDataId + "/ticks/" + ticks, event.getString("id"));
        assertEquals("Informational", event.getString("level"));
        assertEquals(requestId, event.getString("operationId"));
        assertEquals("Microsoft.HybridCompute/joinTokens/write", event.getString("operationName.value"));
        assertEquals(rg, event.getString("resourceGroupName"));
        assertEquals("Microsoft.HybridCompute", event.getString("resourceProviderName.value"));
        assertEquals("Microsoft.HybridCompute/joinTokens", event.getString("resourceType.value"));
        assertEquals(Arm.joinTokens(rg), event.getString("resourceId"));
        assertEquals(Map.of("value", "Succeeded", "localizedValue", "Succeeded"), event.getMap("status"));
        assertEquals(Map.of("value", "Created", "localizedValue", "Created (HTTP Status Code: 201)"),
                event.getMap("subStatus"));
        Instant submitted = Instant.parse(event.getString("submissionTimestamp"));
        assertFalse(submitted.isBefore(time.truncatedTo(ChronoUnit.MILLIS)), submitted + " before " + time);
        assertEquals(Arm.SUB, event.getString("subscriptionId"));
        assertEquals(Map.of("statusCode", "Created", "serviceRequestId", requestId), event.getMap("properties"));
    }

    @Test
    void failuresAreWarningsWithTheirStatusAndErrorCode() {
        String correlation = "corr-" + UUID.randomUUID();
        request().contentType(ContentType.JSON).body("{\"properties\":{\"uses\":0}}")
                .header("x-ms-correlation-request-id", correlation)
                .post(Arm.joinTokens("rg-query-failure")).then().statusCode(400);

        JsonPath event = query(since() + " and correlationId eq '" + correlation + "'").get(VALUES).then()
                .statusCode(200).extract().jsonPath().setRootPath("value[0]");
        assertEquals("Warning", event.getString("level"));
        assertEquals("Failed", event.getString("status.value"));
        assertEquals("BadRequest (HTTP Status Code: 400)", event.getString("subStatus.localizedValue"));
        assertEquals("test-owner", event.getString("caller"));
        assertEquals("test-owner", event.getMap("claims").get("name"));
        assertEquals("InvalidRequestContent", event.getString("properties.errorCode"));
    }

    @Test
    void pagesFollowNextLinkNewestFirstWithoutGapsOrRepeats() {
        String rg = "rg-query-paging";
        String correlation = "corr-" + UUID.randomUUID();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(0, request().contentType(ContentType.JSON).body("{}")
                    .header("x-ms-correlation-request-id", correlation).post(Arm.joinTokens(rg)).then()
                    .statusCode(201).extract().header("x-ms-request-id"));
        }

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        JsonPath page = query(since() + " and correlationId eq '" + correlation + "'", "$top", "2").get(VALUES)
                .then().statusCode(200).extract().jsonPath();
        while (true) {
            pageSizes.add(page.getList("value").size());
            seen.addAll(page.getList("value.operationId", String.class));
            String next = page.getString("nextLink");
            if (next == null) {
                break;
            }
            assertTrue(next.contains("api-version=2015-04-01") && next.contains("%24top=2")
                    && next.contains("$skipToken="), next);
            page = given().urlEncodingEnabled(false).get(next).then().statusCode(200).extract().jsonPath();
        }
        assertEquals(List.of(2, 2, 1), pageSizes);
        assertEquals(written, seen, "newest first, each event once");
    }

    @Test
    void aCallerSeesOnlyEventsUnderItsScopesSegmentSafe() {
        String correlation = "corr-" + UUID.randomUUID();
        for (String rg : List.of("rg-query-scope", "rg-query-scope2", "rg-query-scope-other")) {
            request().contentType(ContentType.JSON).body("{}").header("x-ms-correlation-request-id", correlation)
                    .post(Arm.joinTokens(rg)).then().statusCode(201);
        }
        var rgReader = Principals.of("oid-rg-reader", "Reader",
                List.of("/SUBSCRIPTIONS/" + Arm.SUB + "/resourcegroups/RG-QUERY-SCOPE"));
        var subReader = Principals.of("oid-sub-reader", "Reader", List.of("/subscriptions/" + Arm.SUB));
        var twoGroups = Principals.of("oid-two-groups", "Reader", List.of(
                "/subscriptions/" + Arm.SUB + "/resourceGroups/rg-query-scope2",
                "/subscriptions/" + Arm.SUB + "/resourceGroups/rg-query-scope-other", "/subscriptions/elsewhere"));
        String filter = since() + " and correlationId eq '" + correlation + "'";

        assertEquals(List.of("rg-query-scope"), groupsSeenBy(rgReader, filter, "1"));
        assertEquals(List.of("rg-query-scope-other", "rg-query-scope2", "rg-query-scope"),
                groupsSeenBy(subReader, filter, "1"));
        assertEquals(List.of("rg-query-scope-other", "rg-query-scope2"), groupsSeenBy(twoGroups, filter, "1"));
    }

    @Test
    void aCallerWhoMayReadNothingInTheSubscriptionIs403AndTheRefusalIsRecorded() {
        var elsewhere = Principals.of("oid-elsewhere", "Reader", List.of("/subscriptions/another"));
        String requestId = query(since()).header("Authorization", elsewhere.bearer()).get(VALUES).then()
                .statusCode(403)
                .body("error.code", equalTo("AuthorizationFailed"))
                .body("error.message", equalTo("The client 'oid-elsewhere@example.test' with "
                        + "object id '" + elsewhere.objectId() + "' does not have authorization to perform action "
                        + "'Microsoft.Insights/eventtypes/values/read' over scope '/subscriptions/" + Arm.SUB
                        + "' or any scope in it."))
                .extract().header("x-ms-request-id");

        JsonPath row = JsonPath.from(Db.queryString("select row_to_json(a)::text from activity_log a "
                + "where request_id = ?", requestId));
        assertEquals("Microsoft.Insights/eventtypes/values/read", row.getString("operation_name"));
        assertEquals("/subscriptions/" + Arm.SUB, row.getString("resource_id"));
        assertEquals("GET", row.getString("http_method"));
        assertEquals("Forbidden", row.getString("sub_status"));
        assertEquals(elsewhere.objectId(), row.getString("caller_object_id"));
    }

    @Test
    void filtersNarrowByGroupResourceAndCallerCaseInsensitively() {
        String correlation = "corr-" + UUID.randomUUID();
        String token = request().contentType(ContentType.JSON).body("{}")
                .header("x-ms-correlation-request-id", correlation)
                .header("Authorization", Principals.contributor("oid-Filter").bearer())
                .post(Arm.joinTokens("rg-query-filter-a")).then().statusCode(201).extract().jsonPath()
                .getString("name");
        request().header("x-ms-correlation-request-id", correlation)
                .delete(Arm.joinTokens("rg-query-filter-a") + "/" + token).then().statusCode(200);
        request().contentType(ContentType.JSON).body("{}").header("x-ms-correlation-request-id", correlation)
                .post(Arm.joinTokens("rg-query-filter-b")).then().statusCode(201);
        String all = since() + " and correlationId eq '" + correlation + "'";

        assertEquals(List.of("Microsoft.HybridCompute/joinTokens/write"), operations(all
                + " and resourceGroupName eq 'RG-QUERY-FILTER-B'"));
        assertEquals(List.of("Microsoft.HybridCompute/joinTokens/delete"), operations(all
                + " and resourceUri eq '" + (Arm.joinTokens("rg-query-filter-a") + "/" + token).toUpperCase() + "'"));
        assertEquals(List.of("Microsoft.HybridCompute/joinTokens/write"), operations(all
                + " and caller eq 'OID-FILTER@EXAMPLE.TEST'"));
        assertEquals(List.of(), operations(since().replace(" ge ", " le ") + " and eventTimestamp ge '"
                + Instant.now().minus(2, ChronoUnit.HOURS) + "' and correlationId eq '" + correlation + "'"));
    }

    @Test
    void aRunCommandsEventsOutliveTheDeletionOfItsMachine() {
        String rg = "rg-query-deleted";
        String correlation = "corr-" + UUID.randomUUID();
        Db.insertMachine(Arm.SUB, rg, "gone");
        String runCommand = Arm.runCommand(rg, "gone", "rc1");
        request().contentType(ContentType.JSON).body(Arm.scriptBody("true"))
                .header("x-ms-correlation-request-id", correlation).put(runCommand).then().statusCode(201);
        request().header("x-ms-correlation-request-id", correlation).delete(Arm.machines(rg) + "/gone").then()
                .statusCode(200);

        assertEquals(List.of("Microsoft.HybridCompute/machines/delete",
                "Microsoft.HybridCompute/machines/runCommands/write"),
                operations(since() + " and correlationId eq '" + correlation + "'"));
        assertEquals(List.of("Microsoft.HybridCompute/machines/runCommands/write"),
                operations(since() + " and resourceId eq '" + runCommand + "'"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no filter     | ``                                                 | The $filter query parameter is required; give at least eventTimestamp ge '2024-05-01T00:00:00Z'.
            unknown field | eventTimestamp ge '2026-01-01' and level eq 'x'    | Invalid $filter: the field 'level' is not supported; use eventTimestamp, resourceGroupName, resourceUri (or resourceId), correlationId and caller.
            or            | eventTimestamp ge '2026-01-01' or caller eq 'x'    | Invalid $filter at position 32: expected 'and' between conditions, found 'or' ('or', 'not' and parentheses are not supported).
            """)
    void badFiltersAre400BadRequest(String description, String filter, String message) {
        RequestSpecification request = given().queryParam("api-version", "2015-04-01");
        if (filter != null) {
            request.queryParam("$filter", filter);
        }
        request.get(VALUES).then().statusCode(400).contentType(ContentType.JSON)
                .body("error.code", equalTo("BadRequest"))
                .body("error.message", equalTo(message));
    }

    @Test
    void theQueryTakesOnlyAzureMonitorsApiVersionAndValidPagingParameters() {
        given().queryParam("api-version", Arm.VERSION).queryParam("$filter", since()).get(VALUES).then()
                .statusCode(400).body("error.code", equalTo("InvalidApiVersionParameter"))
                .body("error.message", equalTo("The api-version '" + Arm.VERSION
                        + "' is invalid. The supported versions are '2015-04-01'."));
        given().queryParam("$filter", since()).get(VALUES.toLowerCase()).then().statusCode(400)
                .body("error.code", equalTo("MissingApiVersionParameter"));
        given().queryParam("api-version", "2015-04-01").get(Arm.joinTokens("rg-query-version")).then()
                .statusCode(400).body("error.code", equalTo("InvalidApiVersionParameter"));
        query(since(), "$top", "1001").get(VALUES).then().statusCode(400)
                .body("error.message", equalTo(
                        "The $top query parameter must be an integer from 1 to 1000."));
        query(since(), "$skipToken", "bm9wZQ").get(VALUES).then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"));
        query(since(), "$skipToken", Base64.getUrlEncoder().withoutPadding()
                .encodeToString("activity:12_x".getBytes())).get(VALUES).then().statusCode(400)
                .body("error.code", equalTo("InvalidRequestContent"));
        given().queryParam("api-version", "2015-04-01").queryParam("$filter", since())
                .queryParam("$select", "caller").get(VALUES.replace("/subscriptions/", "/SUBSCRIPTIONS/")
                        .replace("Microsoft.Insights/eventtypes", "microsoft.insights/EVENTTYPES"))
                .then().statusCode(200);
    }

    /** The resource groups of the events {@code principal} sees, following every page of {@code top} events. */
    private static List<String> groupsSeenBy(Principals.Principal principal, String filter, String top) {
        List<String> groups = new ArrayList<>();
        JsonPath page = query(filter, "$top", top).header("Authorization", principal.bearer()).get(VALUES).then()
                .statusCode(200).extract().jsonPath();
        while (true) {
            assertEquals(1, page.getList("value").size(), "every page is full: " + page.prettify());
            groups.addAll(page.getList("value.resourceGroupName", String.class));
            String next = page.getString("nextLink");
            if (next == null) {
                return groups;
            }
            page = given().urlEncodingEnabled(false).header("Authorization", principal.bearer()).get(next).then()
                    .statusCode(200).extract().jsonPath();
        }
    }

    private static List<String> operations(String filter) {
        return query(filter).get(VALUES).then().statusCode(200).extract().jsonPath()
                .getList("value.operationName.value", String.class);
    }

    /** A query of the subscription's log with this filter and further query parameters (name, value, ...). */
    private static RequestSpecification query(String filter, String... parameters) {
        RequestSpecification request = given().queryParam("api-version", "2015-04-01").queryParam("$filter", filter);
        for (int i = 0; i < parameters.length; i += 2) {
            request.queryParam(parameters[i], parameters[i + 1]);
        }
        return request;
    }

    /** Events of the last hour. */
    private static String since() {
        return "eventTimestamp ge '" + Instant.now().minus(1, ChronoUnit.HOURS) + "'";
    }
}
