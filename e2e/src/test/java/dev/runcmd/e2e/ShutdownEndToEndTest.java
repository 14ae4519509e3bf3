package dev.runcmd.e2e;

import static dev.runcmd.e2e.RunCommands.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a control API replica while a client follows a script's output through it: the replica ends the
 * follow with a resumable ServiceUnavailable event and exits on its own (no SIGKILL); the client resumes at its
 * Last-Event-ID on another replica and gets the rest, without a gap or a repeated byte, while the script runs on.
 */
class ShutdownEndToEndTest {

    private static final int LINES = 200;
    /** Beyond the replica's own bound (quarkus.shutdown.timeout, 10 s); a replica still running then is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Test
    void aFollowerMovesToAnotherReplicaWhenItsControlApiStops() throws Exception {
        Stack stack = Stack.get();
        Api api = stack.api();
        int port = Ports.free();
        int managementPort = Ports.free();
        ComponentProcess replica = stack.local().startControlApi(port, managementPort);
        LocalStack.awaitQuarkus(replica, managementPort);
        String name = "follow-through-shutdown";
        String script = "i=0; while [ $i -lt " + LINES + " ]; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done";
        assertEquals(201, api.put(api.runCommand(Stack.MAIN_MACHINE, name), body(script).toString()).status());

        SseFollower follower = new SseFollower("http://127.0.0.1:" + port, api.runCommand(Stack.MAIN_MACHINE, name),
                false, true, Stack.get().token());
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> {
            try {
                return follower.run(0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Waits.until(Duration.ofSeconds(30), "the follower to receive output", () -> follower.stdout.count() > 0);
        replica.stop(STOP_GRACE);

        assertTrue(List.of(0, 143).contains(replica.exitCode()),
                "the replica exited on its own after SIGTERM, code " + replica.exitCode());
        assertFalse(first.get(10, TimeUnit.SECONDS), "the follow through the stopped replica reached the end");
        assertEquals("ServiceUnavailable", follower.error.path("code").asText(), follower.error.toString());
        assertTrue(follower.stdout.count() < expectedLines().length(), "the script ended before the stop; "
                + "the test proves nothing");

        follower.moveTo("http://127.0.0.1:" + stack.apiPort(), api.runCommand(Stack.MAIN_MACHINE, name));
        assertTrue(follower.run(0), "the resumed follow reached the end");
        assertEquals("Succeeded", follower.end.path("executionState").asText(), follower.end.toString());
        assertEquals(expectedLines(), follower.stdout.text());
    }

    private static String expectedLines() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            text.append("line ").append(i).append('\n');
        }
        return text.toString();
    }
}
