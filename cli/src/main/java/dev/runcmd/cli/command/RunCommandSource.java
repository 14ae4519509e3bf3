package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What a run command runs, {@code properties.source}: exactly one of an inline script (given as text or read from a
 * file), a {@code scriptUri} the agent downloads, or a built-in {@code commandId}. An exclusive argument group:
 * picocli refuses two of them as a usage error.
 */
final class RunCommandSource {

    @Option(names = "--script", paramLabel = "TEXT", description = "The script text.")
    String script;

    @Option(names = "--script-file", paramLabel = "FILE", description = "Read the script from a local file.")
    Path scriptFile;

    @Option(names = "--script-uri", paramLabel = "URL",
            description = "An http(s) URL the agent downloads the script from (e.g. a blob SAS URL).")
    String scriptUri;

    @Option(names = "--command-id", paramLabel = "ID",
            description = "A built-in command: RunShellScript, RunPowerShellScript (both run the parameter named "
                    + "'script'), ifconfig, Uptime, DiskUsage, IPConfig.")
    String commandId;

    /** The {@code properties.source} object. */
    ObjectNode toJson() throws IOException {
        ObjectNode source = JsonNodeFactory.instance.objectNode();
        if (scriptUri != null) {
            source.put("scriptUri", scriptUri);
        } else if (commandId != null) {
            source.put("commandId", commandId);
        } else {
            source.put("script", script != null ? script : Files.readString(scriptFile, StandardCharsets.UTF_8));
        }
        return source;
    }
}
