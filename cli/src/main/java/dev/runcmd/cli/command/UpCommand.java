package dev.runcmd.cli.command;

import dev.runcmd.cli.local.AgentIdentity;
import dev.runcmd.cli.local.LocalStack;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code runcmd up}: runs the whole stack in the foreground until SIGINT or SIGTERM, then stops every
 * component (agent first, database last).
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run PostgreSQL (embedded), the control API, a gateway and an agent for this machine, in the foreground.",
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd up",
                "  runcmd up --api-port 8081 --data-dir /tmp/runcmd-dev",
                "  runcmd up --no-agent --resource-group lab"})
public final class UpCommand implements Callable<Integer> {

    @Mixin StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackRunner.Endpoints endpoints = new StackRunner.Endpoints(options.apiPort, options.apiManagementPort, options.gatewayPort,
                options.gatewayHttpPort, options.dbPort, options.dataDir,
                new AgentIdentity(options.subscriptionId, options.resourceGroup, options.machine()));
        LocalStack stack = StackRunner.start(endpoints, !options.noAgent, System.err);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("runcmd: stopping");
            stack.close();
            System.err.println("runcmd: stopped");
            stopped.countDown();
        }, "runcmd-shutdown"));
        StackRunner.printEndpoints(endpoints, System.out);
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return ExitCodes.OK;
    }
}
