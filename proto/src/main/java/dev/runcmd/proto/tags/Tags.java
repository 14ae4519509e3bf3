package dev.runcmd.proto.tags;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Machine tags and Azure's rules for them, shared by the agent (tags from its configuration), the gateway (tags an
 * agent reports in Hello) and the control API (tags set through the API), so all three accept exactly the same tags.
 *
 * <p>The rules: at most {@value #MAX_TAGS} tags; a name has 1 to {@value #MAX_NAME_LENGTH} characters, none of them
 * one of {@value #FORBIDDEN_NAME_CHARACTERS} or a control character; a value has 0 to {@value #MAX_VALUE_LENGTH}
 * characters and no NUL (PostgreSQL's jsonb cannot hold one). Characters are Unicode code points.
 */
public final class Tags {

    /** The most tags a machine may have from one source. */
    public static final int MAX_TAGS = 50;
    /** The longest tag name, in characters. */
    public static final int MAX_NAME_LENGTH = 512;
    /** The longest tag value, in characters. */
    public static final int MAX_VALUE_LENGTH = 256;
    /** Characters a tag name must not contain (besides control characters). */
    public static final String FORBIDDEN_NAME_CHARACTERS = "<>%&\\?/";

    /** How much of a name or value an error message quotes. */
    private static final int QUOTED_LENGTH = 64;

    private Tags() {
    }

    /**
     * Checks tags against the rules above. Tags are checked in name order, so the tag a message names does not depend
     * on the map's iteration order.
     *
     * @throws IllegalArgumentException naming the first tag that breaks a rule and the rule, in one line
     */
    public static void validate(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags are allowed, got " + tags.size());
        }
        // Not containsKey(null): immutable maps (Map.of, protobuf's) throw on it.
        if (tags.keySet().stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("a tag name must not be null");
        }
        for (Map.Entry<String, String> tag : new TreeMap<>(tags).entrySet()) {
            checkName(tag.getKey());
            checkValue(tag.getKey(), tag.getValue());
        }
    }

    /**
     * Parses {@code NAME=VALUE[,NAME=VALUE...]}, as an operator writes tags in the agent's configuration, e.g.
     * {@code env=prod,role=db}. Whitespace around names and values is dropped; a value may be empty ({@code env=})
     * and may contain {@code =}, but neither a name nor a value can contain a comma. An empty text is no tags.
     *
     * @return the tags, in the order given, unmodifiable and {@linkplain #validate valid}
     * @throws IllegalArgumentException in one line naming the item or tag at fault: an empty item, an item
     *     without {@code =}, a name given twice, or a tag that breaks the rules
     */
    public static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (text.isBlank()) {
            return Collections.unmodifiableMap(tags);
        }
        for (String item : text.split(",", -1)) {
            int eq = item.indexOf('=');
            if (item.isBlank()) {
                throw new IllegalArgumentException("empty tag in \"" + quote(text)
                        + "\": expected NAME=VALUE[,NAME=VALUE...]");
            }
            if (eq < 0) {
                throw new IllegalArgumentException("tag \"" + quote(item.strip())
                        + "\" has no '=': expected NAME=VALUE[,NAME=VALUE...]");
            }
            String name = item.substring(0, eq).strip();
            if (tags.put(name, item.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("tag \"" + quote(name) + "\" is given twice");
            }
        }
        validate(tags);
        return Collections.unmodifiableMap(tags);
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a tag name must not be empty");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("tag name \"" + quote(name) + "\" has " + length
                    + " characters, more than " + MAX_NAME_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (FORBIDDEN_NAME_CHARACTERS.indexOf(c) >= 0) {
                throw new IllegalArgumentException("tag name \"" + quote(name) + "\" contains '" + c
                        + "'; names must not contain any of " + FORBIDDEN_NAME_CHARACTERS);
            }
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("tag name \"" + quote(name) + "\" contains the control character "
                        + escape(c) + "; names must not contain control characters");
            }
        }
    }

    private static void checkValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("tag \"" + quote(name) + "\" has a null value");
        }
        int length = value.codePointCount(0, value.length());
        if (length > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("the value of tag \"" + quote(name) + "\" has " + length
                    + " characters, more than " + MAX_VALUE_LENGTH);
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the value of tag \"" + quote(name) + "\" contains NUL (\\u0000)");
        }
    }

    /**
     * The text as a message may show it: control characters escaped (so a message stays one line and cannot forge a
     * log line), and cut after {@value #QUOTED_LENGTH} characters.
     */
    private static String quote(String text) {
        boolean cut = text.length() > QUOTED_LENGTH;
        StringBuilder quoted = new StringBuilder();
        for (char c : (cut ? text.substring(0, QUOTED_LENGTH) : text).toCharArray()) {
            quoted.append(Character.isISOControl(c) ? escape(c) : String.valueOf(c));
        }
        return cut ? quoted.append("...").toString() : quoted.toString();
    }

    private static String escape(char c) {
        return String.format("\\u%04x", (int) c);
    }
}
