package dev.runcmd.control;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The polling URLs of one ARM long-running operation, taken from the headers of the response that started it,
 * and the checks every such response must pass.
 *
 * @param id the operation id
 * @param statusUrl the Azure-AsyncOperation URL
 * @param resultUrl the Location URL
 */
record Operations(String id, String statusUrl, String resultUrl) {

    private static final Pattern STATUS = Pattern.compile(
            "http://localhost:(\\d+)/subscriptions/" + Arm.SUB + "/providers/Microsoft\\.HybridCompute/locations/"
                    + "([^/]+)/operationStatuses/([0-9a-f-]{36})\\?api-version=" + Arm.VERSION);

    /** The operation of a PUT, PATCH or DELETE response, after checking its three headers exactly. */
    static Operations of(ExtractableResponse<Response> response, String location) {
        String status = response.header("Azure-AsyncOperation");
        Matcher m = STATUS.matcher(status == null ? "" : status);
        assertTrue(m.matches(), "Azure-AsyncOperation: " + status);
        assertEquals(String.valueOf(RestAssured.port), m.group(1));
        assertEquals(location, m.group(2));
        String result = status.replace("/operationStatuses/", "/operationResults/");
        assertEquals(result, response.header("Location"));
        assertEquals("1", response.header("Retry-After"));
        return new Operations(m.group(3), status, result);
    }

    /** The status monitor body, after checking it answers 200 with this operation's id and name. */
    JsonPath status() {
        JsonPath body = given().get(statusUrl).then().statusCode(200).extract().jsonPath();
        assertEquals(statusUrl.substring(statusUrl.indexOf("/subscriptions/"), statusUrl.indexOf('?')),
                body.getString("id"));
        assertEquals(id, body.getString("name"));
        return body;
    }

    /** The status monitor's status. */
    String statusValue() {
        return status().getString("status");
    }

    /** The result URL's response. */
    ExtractableResponse<Response> result() {
        return given().get(resultUrl).then().extract();
    }
}
