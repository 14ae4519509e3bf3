package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing an exec dir never follows a link its script planted, and never touches what a link points to. */
class ExecDirsTest {

    @TempDir
    Path root;

    @Test
    void plantedLinksAreRemovedWithoutTouchingTheirTargets() throws IOException {
        Path victim = Files.createDirectory(root.resolve("victim"));
        Path victimFile = Files.writeString(victim.resolve("precious"), "keep me");
        Path exec = Files.createDirectory(root.resolve("exec"));
        Files.createSymbolicLink(exec.resolve("to-dir"), victim);
        Files.createSymbolicLink(exec.resolve("to-file"), victimFile);
        Path deep = Files.createDirectories(exec.resolve("a/b/c"));
        Files.writeString(deep.resolve("out.txt"), "mine");
        Files.createSymbolicLink(deep.resolve("to-dir"), victim);

        ExecDirs.deleteRecursively(exec);

        assertFalse(Files.exists(exec, LinkOption.NOFOLLOW_LINKS), "exec dir removed");
        assertEquals("keep me", Files.readString(victimFile));
        assertEquals(1, victim.toFile().list().length);
    }

    @Test
    void anExecDirThatIsALinkIsRemovedAsALink() throws IOException {
        Path victim = Files.createDirectory(root.resolve("victim"));
        Files.writeString(victim.resolve("precious"), "keep me");
        Path link = Files.createSymbolicLink(root.resolve("exec"), victim);

        ExecDirs.deleteRecursively(link);

        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(victim.resolve("precious")));
    }

    @Test
    void nestingDeeperThanTheBoundIsRefusedNotFollowedToExhaustion() throws IOException {
        Path exec = Files.createDirectory(root.resolve("exec"));
        Path deep = exec;
        for (int i = 0; i <= ExecDirs.MAX_DEPTH; i++) {
            deep = Files.createDirectory(deep.resolve("d"));
        }
        IOException refused = assertThrows(IOException.class, () -> ExecDirs.deleteRecursively(exec));
        assertEquals("directories nested deeper than " + ExecDirs.MAX_DEPTH, refused.getMessage());
    }
}
