package dev.runcmd.control.runcommand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte window and the UTF-8 cut of the instanceView tails, without a database. */
class TailBytesTest {

    private static final byte[] EURO = "€".getBytes(StandardCharsets.UTF_8);

    @Test
    void windowKeepsTheLastBytesAcrossChunks() {
        List<TailBytes.Chunk> chunks = List.of(chunk(0, "abcd"), chunk(4, "efgh"), chunk(8, "ij"));
        assertArrayEquals(bytes("fghij"), TailBytes.window(10, 5, chunks));
    }

    @Test
    void overlappingChunksContributeEachByteOnce() {
        List<TailBytes.Chunk> chunks = List.of(chunk(0, "abcdef"), chunk(3, "defgh"));
        assertArrayEquals(bytes("abcdefgh"), TailBytes.window(8, 16, chunks));
    }

    @Test
    void aGapDropsEverythingBeforeIt() {
        List<TailBytes.Chunk> chunks = List.of(chunk(0, "abc"), chunk(6, "ghi"));
        assertArrayEquals(bytes("ghi"), TailBytes.window(9, 16, chunks));
    }

    @Test
    void leadingPartialCharacterIsDropped() {
        byte[] cut = {EURO[1], EURO[2], 'o', 'k'};
        assertEquals("ok", TailBytes.decode(cut));
    }

    @Test
    void trailingPartialCharacterIsDroppedUntilItsLastByteArrives() {
        byte[] partial = {'o', 'k', EURO[0], EURO[1]};
        assertEquals("ok", TailBytes.decode(partial));
        byte[] complete = {'o', 'k', EURO[0], EURO[1], EURO[2]};
        assertEquals("ok€", TailBytes.decode(complete));
    }

    @Test
    void invalidBytesInsideBecomeReplacementCharacters() {
        byte[] binary = {'a', (byte) 0xFF, 'b'};
        assertEquals("a\uFFFDb", TailBytes.decode(binary));
    }

    private static TailBytes.Chunk chunk(long offset, String text) {
        return new TailBytes.Chunk(offset, bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
