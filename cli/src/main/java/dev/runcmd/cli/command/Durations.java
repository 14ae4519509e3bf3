package dev.runcmd.cli.command;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people type them on the command line: {@code 90} (seconds), {@code 30s}, {@code 30m}, {@code 1h}, {@code 2d}. */
final class Durations {

    /** The longest a runcmd token may live (the server enforces it too). */
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(365);

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})([smhd]?)");

    private Durations() {
    }

    /** The duration, or IllegalArgumentException saying what is accepted. */
    static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use a whole number of seconds, or "
                    + "a number followed by s, m, h or d (90, 30m, 1h, 2d)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** A runcmd token's lifetime: a duration from one second to {@link #MAX_TOKEN_LIFETIME}. */
    static Duration parseTokenLifetime(String text) {
        Duration lifetime = parse(text);
        if (lifetime.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is no lifetime: a token must live at least a second");
        }
        if (lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than a token may live: at most 365d (a year)");
        }
        return lifetime;
    }

    /** picocli's converter: a bad value is a usage error (exit code 2) with the message above. */
    static final class Converter implements ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli's converter of {@code --expires-in} for runcmd tokens: also a usage error beyond a year. */
    static final class TokenLifetimeConverter implements ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            try {
                return parseTokenLifetime(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
