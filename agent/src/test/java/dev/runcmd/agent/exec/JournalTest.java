package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal of accepted execution ids. */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void idsSurviveReopening() throws Exception {
        Path file = dir.resolve("journal");
        try (Journal journal = Journal.open(file)) {
            journal.append("a");
            journal.append("b");
        }
        try (Journal journal = Journal.open(file)) {
            assertTrue(journal.contains("a"));
            assertTrue(journal.contains("b"));
            assertFalse(journal.contains("c"));
        }
        assertEquals("a\nb\n", Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void tornLastLineIsTerminatedBeforeTheNextAppend() throws Exception {
        Path file = dir.resolve("journal");
        Files.writeString(file, "a\nhalf-writ", StandardCharsets.UTF_8);
        try (Journal journal = Journal.open(file)) {
            journal.append("b");
        }
        try (Journal journal = Journal.open(file)) {
            assertTrue(journal.contains("b"), "b is on a line of its own");
            assertTrue(journal.contains("a"));
        }
    }

    @Test
    void keepsOnlyTheNewestIdsAndCompactsTheFile() throws Exception {
        Path file = dir.resolve("journal");
        int max = 10;
        int total = 2 * max + 3;
        try (Journal journal = Journal.open(file, max)) {
            for (int i = 0; i < total; i++) {
                journal.append("id-" + i);
            }
            assertEquals(max, journal.size());
            assertFalse(journal.contains("id-0"));
            assertTrue(journal.contains("id-" + (total - 1)));
        }
        long lines = Files.readAllLines(file).size();
        assertEquals(max + 3, lines, "compacted to the newest ids, then appended to");
        try (Journal journal = Journal.open(file, max)) {
            assertTrue(journal.contains("id-" + (total - max)));
            assertFalse(journal.contains("id-" + (total - max - 1)));
        }
    }
}
