package dev.runcmd.control.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8DecoderTest {

    private static final byte[] TEXT = "a€😀ß\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void everySplitPointDecodesLikeTheWholeStream() {
        String whole = new String(TEXT, StandardCharsets.UTF_8);
        for (int cut = 0; cut <= TEXT.length; cut++) {
            Utf8Decoder decoder = new Utf8Decoder();
            String text = decoder.decode(Arrays.copyOfRange(TEXT, 0, cut))
                    + decoder.decode(Arrays.copyOfRange(TEXT, cut, TEXT.length)) + decoder.flush();
            assertEquals(whole, text, "cut at " + cut);
        }
    }

    @Test
    void incompleteCharacterIsHeldBackAndCounted() {
        Utf8Decoder decoder = new Utf8Decoder();
        assertEquals("a", decoder.decode(new byte[] {'a', (byte) 0xF0, (byte) 0x9F}));
        assertEquals(2, decoder.heldBack());
        assertEquals("😀", decoder.decode(new byte[] {(byte) 0x98, (byte) 0x80}));
        assertEquals(0, decoder.heldBack());
    }

    @Test
    void invalidBytesBecomeReplacementCharacters() {
        Utf8Decoder decoder = new Utf8Decoder();
        assertEquals("\uFFFDx\uFFFD", decoder.decode(new byte[] {(byte) 0xFF, 'x', (byte) 0xC0}));
        assertEquals(0, decoder.heldBack());
        assertEquals("", decoder.decode(new byte[] {(byte) 0xE2, (byte) 0x82}));
        assertEquals("\uFFFD", decoder.flush());
    }
}
