package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every refusal of the REST API: exact status, exact ARM error code, a message that names the problem, and
 * nothing written to the database. Also the errors of the HTTP layer itself (unknown path, wrong method, wrong
 * media type, oversized body), which must still be ARM error bodies, never HTML.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class ArmValidationTest {

    private static final String RG = "rg-validation";
    private static final String MACHINE = "m-valid";
    private static long machineId;

    @BeforeAll
    static void registerMachine() {
        machineId = Db.insertMachine(Arm.SUB, RG, MACHINE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            malformed JSON      | {"location":"x",                                         | not valid JSON
            not an object       | [1,2]                                                    | must be a JSON object
            empty body          | ``                                                       | empty
            trailing garbage    | {"location":"x"} {}                                      | not valid JSON
            missing location    | {"properties":{"source":{"script":"x"}}}                 | 'location'
            blank location      | {"location":"  ","properties":{"source":{"script":"x"}}} | 'location'
            no properties       | {"location":"x"}                                         | exactly one of source.script, source.scriptUri, source.commandId
            no source           | {"location":"x","properties":{}}                         | exactly one of source.script
            two sources         | {"location":"x","properties":{"source":{"script":"a","commandId":"b"}}} | exactly one of source.script
            script not a string | {"location":"x","properties":{"source":{"script":7}}}    | 'properties.source.script': expected a string
            timeout as string   | {"location":"x","properties":{"source":{"script":"a"},"timeoutInSeconds":"60"}} | 'properties.timeoutInSeconds': expected an integer
            timeout too large   | {"location":"x","properties":{"source":{"script":"a"},"timeoutInSeconds":172801}} | 'properties.timeoutInSeconds': expected an integer from 0 to 172800
            timeout fraction    | {"location":"x","properties":{"source":{"script":"a"},"timeoutInSeconds":1.5}} | 'properties.timeoutInSeconds'
            async not a boolean | {"location":"x","properties":{"source":{"script":"a"},"asyncExecution":"yes"}} | 'properties.asyncExecution': expected a boolean
            tags not strings    | {"location":"x","tags":{"a":1},"properties":{"source":{"script":"a"}}} | 'tags.a': expected a string
            scriptUri not http  | {"location":"x","properties":{"source":{"scriptUri":"ftp://x/y"}}} | 'properties.source.scriptUri': expected an absolute http or https URL
            scriptUri relative  | {"location":"x","properties":{"source":{"scriptUri":"/y.sh"}}} | 'properties.source.scriptUri': expected an absolute http or https URL
            unknown commandId   | {"location":"x","properties":{"source":{"commandId":"Nope"}}} | unknown command id 'Nope'; the known ids are RunShellScript, RunPowerShellScript, ifconfig, Uptime, DiskUsage, IPConfig
            RunShellScript bare | {"location":"x","properties":{"source":{"commandId":"RunShellScript"}}} | commandId RunShellScript runs the value of a parameter named 'script'
            script identity     | {"location":"x","properties":{"source":{"scriptUri":"https://x/y","scriptUriManagedIdentity":{}}}} | 'properties.source.scriptUriManagedIdentity': managed identities are not supported; use a SAS URL
            blob identity       | {"location":"x","properties":{"source":{"script":"a"},"errorBlobManagedIdentity":{"clientId":"c"}}} | 'properties.errorBlobManagedIdentity': managed identities are not supported; use a SAS URL
            password no user    | {"location":"x","properties":{"source":{"script":"a"},"runAsPassword":"pw"}} | 'properties.runAsPassword': a password needs properties.runAsUser
            runAsUser number    | {"location":"x","properties":{"source":{"script":"a"},"runAsUser":7}} | 'properties.runAsUser': expected a string
            outputBlobUri bad   | {"location":"x","properties":{"source":{"script":"a"},"outputBlobUri":"not a url"}} | 'properties.outputBlobUri': expected an absolute http or https URL
            errorBlobUri bad    | {"location":"x","properties":{"source":{"script":"a"},"errorBlobUri":"file:///tmp/x"}} | 'properties.errorBlobUri': expected an absolute http or https URL
            dependsOn object    | {"location":"x","properties":{"source":{"script":"a"},"dependsOn":{}}} | 'properties.dependsOn': expected an array of run command names
            dependsOn bad name  | {"location":"x","properties":{"source":{"script":"a"},"dependsOn":["a b"]}} | 'properties.dependsOn[0]': 'a b' is not a run command name
            dependsOn twice     | {"location":"x","properties":{"source":{"script":"a"},"dependsOn":["b","b"]}} | 'properties.dependsOn[1]': 'b' is listed twice
            dependsOn itself    | {"location":"x","properties":{"source":{"script":"a"},"dependsOn":["rc-invalid"]}} | 'properties.dependsOn': the dependencies form a cycle: rc-invalid -> rc-invalid
            dependsOn unknown   | {"location":"x","properties":{"source":{"script":"a"},"dependsOn":["ghost","spook"]}} | 'properties.dependsOn': no run command named 'ghost', 'spook' on this machine
            parameters object   | {"location":"x","properties":{"source":{"script":"a"},"parameters":{}}} | 'properties.parameters': expected an array
            parameter no value  | {"location":"x","properties":{"source":{"script":"a"},"parameters":[{"name":"A"}]}} | 'properties.parameters[0].value': expected a string
            parameter bad name  | {"location":"x","properties":{"source":{"script":"a"},"protectedParameters":[{"name":"1-X","value":"v"}]}} | 'properties.protectedParameters[0].name': '1-X' is not a valid environment variable name
            parameter array val | {"location":"x","properties":{"source":{"script":"a"},"parameters":[{"name":"A","value":[1]}]}} | 'properties.parameters[0].value': expected a string
            """)
    void invalidBodyIsInvalidRequestContentAndWritesNothing(String label, String body, String message) {
        put(runCommand(RG, MACHINE, "rc-invalid"), body == null ? "" : body)
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", containsString(message));
        assertNothingWritten();
    }

    @Test
    void missingApiVersionIsRefused() {
        given().get(runCommand(RG, MACHINE, "rc1")).then()
                .statusCode(400)
                .body("error.code", equalTo("MissingApiVersionParameter"))
                .body("error.message", containsString("2024-11-10-preview"));
    }

    @Test
    void unsupportedApiVersionIsRefusedWithTheSupportedList() {
        given().queryParam("api-version", "2024-07-10").contentType(ContentType.JSON)
                .body(Arm.scriptBody("echo hi"))
                .put(runCommand(RG, MACHINE, "rc1")).then()
                .statusCode(400)
                .body("error.code", equalTo("InvalidApiVersionParameter"))
                .body("error.message", containsString("'2024-07-10'"))
                .body("error.message", containsString("2023-10-03-preview, 2024-03-31-preview"));
        assertNothingWritten();
    }

    @ParameterizedTest
    @CsvSource({"bad!name", "a b", "0123456789012345678901234567890123456"})
    void invalidRunCommandNameIsRefused(String name) {
        put(runCommand(RG, MACHINE, name), Arm.scriptBody("echo hi"))
                .statusCode(400)
                .body("error.code", equalTo("InvalidResourceName"));
        assertNothingWritten();
    }

    @Test
    void thirtySixCharacterNameIsAcceptedButInvalidMachineNameIsNot() {
        request().get(runCommand(RG, MACHINE, "a".repeat(36))).then()
                .statusCode(404).body("error.code", equalTo("ResourceNotFound"));
        put(runCommand(RG, "m".repeat(55), "rc1"), Arm.scriptBody("echo hi"))
                .statusCode(400).body("error.code", equalTo("InvalidResourceName"));
    }

    @Test
    void unregisteredMachineIsParentResourceNotFound() {
        put(runCommand(RG, "never-registered", "rc1"), Arm.scriptBody("echo hi"))
                .statusCode(404)
                .body("error.code", equalTo("ParentResourceNotFound"))
                .body("error.message", equalTo("Machine 'never-registered' not found in resource group '"
                        + RG + "'."));
        request().get(Arm.runCommands(RG, "never-registered")).then()
                .statusCode(404).body("error.code", equalTo("ParentResourceNotFound"));
        assertEquals(0, Db.queryLong("select count(*) from run_command where machine_id = ?", machineId));
    }

    @Test
    void absentRunCommandIsResourceNotFound() {
        request().get(runCommand(RG, MACHINE, "absent")).then()
                .statusCode(404)
                .body("error.code", equalTo("ResourceNotFound"))
                .body("error.message", containsString("runCommands/absent"));
    }

    @Test
    void bodyDeclaredOverOneMebibyteIsRefusedBeforeReading() {
        byte[] body = oversizedBody(1024 * 1024 + 1);
        request().contentType(ContentType.JSON).body(body).put(runCommand(RG, MACHINE, "rc-big")).then()
                .statusCode(413)
                .contentType(ContentType.JSON)
                .body("error.code", equalTo("RequestEntityTooLarge"))
                .body("error.message", equalTo("The request body exceeds 1 MiB."));
        assertNothingWritten();
    }

    @Test
    void chunkedBodyOverOneMebibyteIsRefused() throws Exception {
        HttpResponse<String> midSize = putChunked(oversizedBody(1536 * 1024));
        assertEquals(413, midSize.statusCode());
        assertThat(midSize.body(), containsString("\"code\":\"RequestEntityTooLarge\""));
        HttpResponse<String> beyondQuarkusLimit = putChunked(oversizedBody(3 * 1024 * 1024));
        assertEquals(413, beyondQuarkusLimit.statusCode());
        assertNothingWritten();
    }

    @Test
    void unknownPathGivesArmNotFoundNotHtml() {
        given().get("/no/such/path").then()
                .statusCode(404)
                .contentType(ContentType.JSON)
                .body("error.code", equalTo("NotFound"));
    }

    @Test
    void wrongMethodAndMediaTypeGiveArmErrors() {
        request().post(runCommand(RG, MACHINE, "rc1")).then()
                .statusCode(405).contentType(ContentType.JSON).body("error.code", equalTo("MethodNotAllowed"));
        request().contentType(ContentType.TEXT).body("hello").put(runCommand(RG, MACHINE, "rc1")).then()
                .statusCode(415).contentType(ContentType.JSON).body("error.code", equalTo("UnsupportedMediaType"));
        assertNothingWritten();
    }

    private static void assertNothingWritten() {
        assertEquals(0, Db.queryLong("select count(*) from run_command where machine_id = ?", machineId));
        assertEquals(0, Db.queryLong("select count(*) from execution where machine_id = ?", machineId));
        assertEquals(0, Db.queryLong("select count(*) from operation where resource_id like ?", "%/" + RG + "/%"));
    }

    /** A syntactically valid body padded to exactly this many bytes. */
    private static byte[] oversizedBody(int size) {
        byte[] head = "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"".getBytes();
        byte[] tail = "\"}}}".getBytes();
        byte[] body = Arrays.copyOf(head, size);
        Arrays.fill(body, head.length, size - tail.length, (byte) 'x');
        System.arraycopy(tail, 0, body, size - tail.length, tail.length);
        return body;
    }

    /** PUTs a body without Content-Length (chunked transfer encoding). */
    private static HttpResponse<String> putChunked(byte[] body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://localhost:" + RestAssured.port + runCommand(RG, MACHINE, "rc-chunked")
                + "?api-version=" + Arm.VERSION);
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", TestAuth.header()).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
