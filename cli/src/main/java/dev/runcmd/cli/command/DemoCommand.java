package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code runcmd demo}: starts the stack on free ports, runs one run command on this machine while
 * following its output live (Server-Sent Events), shows the resource, and stops everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the local stack, run one script on this machine showing its output live, stop.",
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd demo",
                "  runcmd demo --data-dir /tmp/runcmd-demo"})
public final class DemoCommand implements Callable<Integer> {

    static final String SCRIPT = """
            echo "Hello from runcmd on $(hostname), running as $(id -un), pid $$"
            echo "GREETING=$GREETING, first argument: $1"
            for i in 1 2 3 4 5; do echo "tick $i of 5 at $(date +%T)"; sleep 1; done
            echo "a line on stderr" >&2
            exit 0
            """;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:RUNCMD_DEMO_DIR:-${sys:user.home}/.runcmd/demo}",
            description = "Where the demo keeps its database and logs (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        AgentIdentity agent = new AgentIdentity(Defaults.SUBSCRIPTION_ID, Defaults.RESOURCE_GROUP, Defaults.machineName());
        StackRunner.Endpoints endpoints = new StackRunner.Endpoints(Ports.free(), Ports.free(), Ports.free(), Ports.free(),
                Ports.free(), dataDir, agent);
        try (LocalStack stack = StackRunner.start(endpoints, true, System.err)) {
            Thread stopper = new Thread(stack::close, "runcmd-demo-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            StackRunner.printEndpoints(endpoints, System.out);
            ArmClient client = new ArmClient(endpoints.api(), agent.subscriptionId(), agent.resourceGroup(),
                    StackRunner.ownerCredential(stack));
            String path = client.runCommandPath(agent.machineName(), "demo");
            System.out.println();
            System.out.println("$ runcmd run-command create --machine-name " + agent.machineName()
                    + " --name demo --script '<5 s script>' --parameters GREETING=hello world --follow");
            client.put(path, body());
            int exitCode = RunCommandLogs.followToEnd(client, path, "runcmd: interrupted; stopping the stack");
            JsonNode done = client.get(path);
            System.out.println();
            System.out.println("$ runcmd run-command show --name demo -o json");
            Printer.json(System.out, done);
            Runtime.getRuntime().removeShutdownHook(stopper);
            System.err.println("runcmd: demo done; stopping the stack");
            return exitCode;
        }
    }

    private static ObjectNode body() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("location", Defaults.LOCATION);
        ObjectNode properties = body.putObject("properties");
        properties.putObject("source").put("script", SCRIPT);
        properties.set("parameters", RunCommandDefinition.parameterArray(java.util.List.of("GREETING=hello", "world"), null));
        properties.put("timeoutInSeconds", 60);
        return body;
    }
}
