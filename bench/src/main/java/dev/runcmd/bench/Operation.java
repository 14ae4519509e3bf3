package dev.runcmd.bench;

import dev.runcmd.cli.http.ArmClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Random;

/** The requests a load client sends; {@link Mix} says how often each. */
enum Operation {

    /** GET of one finished run command. */
    GET,
    /** A list page of the machine's run commands, 50 at a time. */
    LIST,
    /** PUT of one of the write names: replaces its run command and starts a run of {@code true}. */
    PUT,
    /** Follows a finished run command's output as Server-Sent Events: a replay, {@code event: end}, close. */
    FOLLOW;

    private static final String VERSION = "api-version=" + ArmClient.API_VERSION;
    private static final String PUT_BODY = "{\"location\":\"bench\",\"properties\":{\"source\":{\"script\":\"true\"}}}";


    /**
     * This operation's request under {@code runCommands}, the collection's URI: reads go to a random fixture
     * command, a PUT to the client's own {@code writeName}.
     */
    HttpRequest request(String runCommands, String writeName, Random random, Duration timeout, String token) {
        HttpRequest.Builder builder = switch (this) {
            case GET -> HttpRequest.newBuilder(URI.create(readUri(runCommands, random) + "?" + VERSION)).GET();
            case LIST -> HttpRequest.newBuilder(URI.create(runCommands + "?" + VERSION + "&$top=50")).GET();
            case PUT -> HttpRequest.newBuilder(URI.create(runCommands + "/" + writeName + "?" + VERSION))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(PUT_BODY));
            case FOLLOW -> HttpRequest.newBuilder(URI.create(readUri(runCommands, random) + "/output?" + VERSION + "&follow=true"))
                    .header("Accept", "text/event-stream").GET();
        };
        return builder.header("Authorization", "Bearer " + token).timeout(timeout).build();
    }

    private static String readUri(String runCommands, Random random) {
        return runCommands + "/" + LoadFixture.readName(random.nextInt(LoadFixture.READ_COUNT));
    }
}
