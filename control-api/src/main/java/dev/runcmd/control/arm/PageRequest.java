package dev.runcmd.control.arm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of an ARM list: its size ({@code $top}, else the configured page size) and where it starts
 * ({@code $skipToken}, opaque to clients: the base64url of a kind prefix and the sort key of the last item of
 * the previous page). Lists are keyset-paged, so pages stay consistent while items are added.
 *
 * @param size the most items on the page
 * @param after the sort key after which the page starts, or empty for the first page
 */
public record PageRequest(int size, Optional<String> after) {

    /** The query parameter with the page size. */
    public static final String TOP = "$top";

    /** The query parameter with the continuation token. */
    public static final String SKIP_TOKEN = "$skipToken";

    /** The largest page a client may ask for. */
    public static final int MAX_SIZE = 1000;

    /**
     * Reads {@code $top} (default: {@code defaultSize}, kept within 1 to {@value #MAX_SIZE}) and
     * {@code $skipToken}; fails with 400 InvalidRequestContent when either is malformed or
     * the token was made for another kind of list.
     */
    public static PageRequest of(String top, String skipToken, int defaultSize, String kind) {
        return new PageRequest(size(top, defaultSize), Optional.ofNullable(skipToken).map(t -> decode(t, kind)));
    }

    /** The token that continues after an item with this sort key. */
    public static String token(String kind, String key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((kind + ":" + key).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The page of {@code fetched} (which holds up to one item more than the page size, in order) and the token
     * of the next page, or null when this is the last.
     */
    public <T> Page<T> page(List<T> fetched, String kind, Function<T, String> key) {
        if (fetched.size() <= size) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, size);
        return new Page<>(List.copyOf(items), token(kind, key.apply(items.get(size - 1))));
    }

    /**
     * A page and where the next one starts.
     *
     * @param items the items of this page
     * @param nextToken the {@code $skipToken} of the next page, or null on the last one
     * @param <T> the item type
     */
    public record Page<T>(List<T> items, String nextToken) {
    }

    private static int size(String top, int defaultSize) {
        if (top == null) {
            return Math.max(1, Math.min(MAX_SIZE, defaultSize));
        }
        try {
            int size = Integer.parseInt(top.trim());
            if (size >= 1 && size <= MAX_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // Answered below.
        }
        throw ArmException.invalidContent("The " + TOP + " query parameter must be an integer from 1 to "
                + MAX_SIZE + ".");
    }

    private static String decode(String token, String kind) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(kind + ":")) {
                return text.substring(kind.length() + 1);
            }
        } catch (IllegalArgumentException e) {
            // Answered below.
        }
        throw invalidToken();
    }

    /** 400 InvalidRequestContent for a {@code $skipToken} this list did not issue. */
    public static ArmException invalidToken() {
        return ArmException.invalidContent("The " + SKIP_TOKEN + " query parameter is not a token this list "
                + "issued; use the nextLink of the previous page.");
    }
}
