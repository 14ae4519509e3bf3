package dev.runcmd.proto.tags;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Azure's tag rules, and the NAME=VALUE list an operator writes in the agent's configuration. */
class TagsTest {

    @Test
    void parseKeepsTheOrderGivenAndDropsWhitespaceAroundNamesAndValues() {
        Map<String, String> tags = Tags.parse(" env = prod , role=db,empty=,expr=a=b ");

        assertEquals(Map.of("env", "prod", "role", "db", "empty", "", "expr", "a=b"), tags);
        assertEquals(List.of("env", "role", "empty", "expr"), List.copyOf(tags.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> tags.put("x", "y"));
    }

    @Test
    void parseOfAnEmptyTextIsNoTags() {
        assertEquals(Map.of(), Tags.parse(""));
        assertEquals(Map.of(), Tags.parse("  "));
    }

    @Test
    void parseRefusesAnEmptyItem() {
        assertEquals("empty tag in \"env=prod,,role=db\": expected NAME=VALUE[,NAME=VALUE...]",
                refusedParse("env=prod,,role=db"));
        assertEquals("empty tag in \"env=prod,\": expected NAME=VALUE[,NAME=VALUE...]", refusedParse("env=prod,"));
    }

    @Test
    void parseRefusesAnItemWithoutEquals() {
        assertEquals("tag \"role\" has no '=': expected NAME=VALUE[,NAME=VALUE...]", refusedParse("env=prod, role "));
    }

    @Test
    void parseRefusesANameGivenTwice() {
        assertEquals("tag \"env\" is given twice", refusedParse("env=prod,env =test"));
    }

    @Test
    void parseAppliesTheRules() {
        assertEquals("tag name \"a/b\" contains '/'; names must not contain any of <>%&\\?/",
                refusedParse("env=prod,a/b=1"));
        assertEquals("a tag name must not be empty", refusedParse("=prod"));
    }

    @Test
    void fiftyTagsAreAllowedAndFiftyOneAreNot() {
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            tags.put("t" + i, "v");
        }
        assertDoesNotThrow(() -> Tags.validate(tags));

        tags.put("t50", "v");
        assertEquals("at most 50 tags are allowed, got 51", refused(tags));
    }

    @Test
    void aNameHasOneTo512Characters() {
        assertDoesNotThrow(() -> Tags.validate(Map.of("n".repeat(512), "v")));
        assertDoesNotThrow(() -> Tags.validate(Map.of("\u00e9".repeat(512), "v")));
        assertDoesNotThrow(() -> Tags.validate(Map.of("\ud83d\ude00".repeat(512), "v")), "code points, not chars");

        assertEquals("a tag name must not be empty", refused(Map.of("", "v")));
        assertEquals("tag name \"" + "n".repeat(64) + "...\" has 513 characters, more than 512",
                refused(Map.of("n".repeat(513), "v")));
    }

    @Test
    void aValueHasZeroTo256Characters() {
        assertDoesNotThrow(() -> Tags.validate(Map.of("env", "")));
        assertDoesNotThrow(() -> Tags.validate(Map.of("env", "v".repeat(256))));

        assertEquals("the value of tag \"env\" has 257 characters, more than 256",
                refused(Map.of("env", "v".repeat(257))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<", ">", "%", "&", "\\", "?", "/"})
    void aNameMustNotContainAForbiddenCharacter(String forbidden) {
        assertEquals("tag name \"a" + forbidden + "b\" contains '" + forbidden
                + "'; names must not contain any of <>%&\\?/", refused(Map.of("a" + forbidden + "b", "v")));
    }

    @Test
    void aNameMustNotContainAControlCharacterAndTheMessageShowsItEscaped() {
        assertEquals("tag name \"a\\u000ab\" contains the control character \\u000a; names must not contain control"
                + " characters", refused(Map.of("a\nb", "v")));
        assertEquals("tag name \"\\u0000\" contains the control character \\u0000; names must not contain control"
                + " characters", refused(Map.of("\0", "v")));
        assertEquals("tag name \"x\\u007f\" contains the control character \\u007f; names must not contain control"
                + " characters", refused(Map.of("x\u007f", "v")));
    }

    @Test
    void aValueMayHoldAnyCharacterButNul() {
        assertDoesNotThrow(() -> Tags.validate(Map.of("path", "/opt/<app>?a=1&b=%20\tx")));

        assertEquals("the value of tag \"env\" contains NUL (\\u0000)", refused(Map.of("env", "pr\0d")));
    }

    @Test
    void nullNamesAndValuesAreRefused() {
        Map<String, String> nullName = new HashMap<>();
        nullName.put(null, "v");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("env", null);

        assertEquals("a tag name must not be null", refused(nullName));
        assertEquals("tag \"env\" has a null value", refused(nullValue));
    }

    @Test
    void theFirstBadTagInNameOrderIsTheOneNamed() {
        assertEquals("tag name \"a/1\" contains '/'; names must not contain any of <>%&\\?/",
                refused(Map.of("z/9", "v", "a/1", "v", "m", "ok")));
    }

    private static String refused(Map<String, String> tags) {
        return assertThrows(IllegalArgumentException.class, () -> Tags.validate(tags)).getMessage();
    }

    private static String refusedParse(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Tags.parse(text)).getMessage();
    }
}
