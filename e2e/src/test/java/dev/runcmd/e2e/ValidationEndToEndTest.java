package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad requests get the ARM error code of the reference and change nothing. */
class ValidationEndToEndTest {

    private static final String MACHINE = Stack.MAIN_MACHINE;
    private static Api api;

    @BeforeAll
    static void startStack() throws Exception {
        api = Stack.get().api();
    }

    @Test
    void malformedJsonIsInvalidRequestContent() {
        assertRejected("bad-json", 400, "InvalidRequestContent", "{\"location\": \"x\", \"properties\": {");
    }

    @Test
    void missingLocationIsInvalidRequestContent() {
        assertRejected("no-location", 400, "InvalidRequestContent", "{\"properties\":{\"source\":{\"script\":\"true\"}}}");
    }

    @Test
    void missingSourceIsInvalidRequestContent() {
        assertRejected("no-source", 400, "InvalidRequestContent", "{\"location\":\"x\",\"properties\":{\"source\":{}}}");
    }

    @Test
    void twoSourcesAreInvalidRequestContent() {
        assertRejected("two-sources", 400, "InvalidRequestContent",
                "{\"location\":\"x\",\"properties\":{\"source\":{\"script\":\"true\",\"commandId\":\"RunShellScript\"}}}");
    }

    @Test
    void namesOutsideThePatternOrTooLongAreInvalidResourceName() {
        assertRejected("bad%21name", 400, "InvalidResourceName", body("true").toString());
        assertRejected("a".repeat(37), 400, "InvalidResourceName", body("true").toString());
    }

    @Test
    void missingApiVersionIsRejected() {
        Api.Answer answer = api.raw("PUT", api.runCommand(MACHINE, "no-version"), bytes(body("true").toString()));
        assertError(answer, 400, "MissingApiVersionParameter");
        assertEquals(404, api.get(api.runCommand(MACHINE, "no-version")).status());
    }

    @Test
    void unknownApiVersionIsRejected() {
        Api.Answer answer = api.raw("PUT", api.runCommand(MACHINE, "old-version") + "?api-version=2020-01-01",
                bytes(body("true").toString()));
        assertError(answer, 400, "InvalidApiVersionParameter");
        assertEquals(404, api.get(api.runCommand(MACHINE, "old-version")).status());
    }

    @Test
    void oversizeBodyIsRejectedWithAnArmError() {
        String script = "#" + "x".repeat(1_200_000);
        Api.Answer answer = api.put(api.runCommand(MACHINE, "too-big"), body(script).toString());
        assertTrue(answer.status() == 413 || answer.status() == 400, "oversize body answered " + answer.status());
        assertFalse(answer.errorCode().isEmpty(), "no ARM error body: " + answer.text());
        assertEquals(404, api.get(api.runCommand(MACHINE, "too-big")).status());
    }

    @Test
    void machineThatNeverRegisteredIsParentResourceNotFound() {
        Api.Answer answer = api.put(api.runCommand("never-registered", "x"), body("true").toString());
        assertError(answer, 404, "ParentResourceNotFound");
    }

    @Test
    void absentRunCommandIsResourceNotFound() {
        assertError(api.get(api.runCommand(MACHINE, "absent")), 404, "ResourceNotFound");
    }

    private static void assertRejected(String name, int status, String code, String body) {
        assertError(api.put(api.runCommand(MACHINE, name), body), status, code);
        Api.Answer list = api.get(api.runCommands(MACHINE));
        assertEquals(200, list.status(), list.text());
        list.json().path("value").forEach(item ->
                assertFalse(item.path("name").asText().equals(name), name + " was created by a rejected request"));
    }

    private static void assertError(Api.Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.text());
        assertEquals(code, answer.errorCode(), answer.text());
        assertFalse(answer.json().path("error").path("message").asText().isBlank(), "no message: " + answer.text());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
