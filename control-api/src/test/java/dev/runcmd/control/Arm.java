package dev.runcmd.control;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** REST paths and requests of the ARM surface, as a client builds them. */
final class Arm {

    static final String VERSION = "2024-11-10-preview";
    static final String SUB = "00000000-0000-0000-0000-000000000001";

    private Arm() {
    }

    /** The machines collection of a resource group. */
    static String machines(String rg) {
        return "/subscriptions/" + SUB + "/resourceGroups/" + rg + "/providers/Microsoft.HybridCompute/machines";
    }

    /** The join tokens collection of a resource group. */
    static String joinTokens(String rg) {
        return "/subscriptions/" + SUB + "/resourceGroups/" + rg + "/providers/Microsoft.HybridCompute/joinTokens";
    }

    /** The run commands collection of a machine. */
    static String runCommands(String rg, String machine) {
        return machines(rg) + "/" + machine + "/runCommands";
    }

    /** One run command. */
    static String runCommand(String rg, String machine, String name) {
        return runCommands(rg, machine) + "/" + name;
    }

    /** A request with the api-version set. */
    static RequestSpecification request() {
        return given().queryParam("api-version", VERSION);
    }

    /** PUTs a JSON body to a run command. */
    static ValidatableResponse put(String path, String json) {
        return request().contentType(ContentType.JSON).body(json).put(path).then();
    }

    /** The smallest valid PUT body. */
    static String scriptBody(String script) {
        return "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"" + script + "\"}}}";
    }
}
