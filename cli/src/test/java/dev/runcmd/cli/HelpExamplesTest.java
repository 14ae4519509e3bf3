package dev.runcmd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command a user can run shows how to run it: the usage text of each command of the tree that runs something
 * (every leaf, and a group that runs on its own, like {@code auth token}) has an "Examples:" section with at least one
 * example of that very command.
 */
class HelpExamplesTest {

    @Test
    void everyRunnableCommandsHelpShowsExamplesOfItself() {
        List<CommandLine> commands = runnable(Main.commandLine());
        List<String> without = new ArrayList<>();
        for (CommandLine command : commands) {
            if (!showsExamples(command)) {
                without.add(command.getCommandSpec().qualifiedName());
            }
        }

        List<String> names = commands.stream().map(command -> command.getCommandSpec().qualifiedName()).toList();
        assertTrue(names.containsAll(List.of("runcmd up", "runcmd run-command create", "runcmd job targets",
                "runcmd role assignment create", "runcmd auth token create", "runcmd auth token", "runcmd help")),
                "the walk reached every level: " + names);
        assertEquals(List.of(), without, "commands whose --help has no example of themselves");
    }

    /** Whether the usage has a line "Examples:" followed by an indented line running this command. */
    private static boolean showsExamples(CommandLine command) {
        List<String> lines = command.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();
        int heading = lines.indexOf("Examples:");
        String example = "  " + command.getCommandSpec().qualifiedName() + " ";
        String bare = "  " + command.getCommandSpec().qualifiedName();
        return heading >= 0 && lines.subList(heading + 1, lines.size()).stream()
                .anyMatch(line -> line.startsWith(example) || line.equals(bare));
    }

    /** The commands without subcommands and those that run on their own, each once (an alias names one again). */
    private static List<CommandLine> runnable(CommandLine root) {
        Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<CommandLine> runnable = new ArrayList<>();
        List<CommandLine> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            CommandLine command = pending.remove(pending.size() - 1);
            if (!seen.add(command)) {
                continue;
            }
            Object user = command.getCommandSpec().userObject();
            if (command.getSubcommands().isEmpty() || user instanceof Callable || user instanceof Runnable) {
                runnable.add(command);
            }
            pending.addAll(command.getSubcommands().values());
        }
        return runnable;
    }
}
