package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmScope;
import dev.runcmd.cli.http.RoleAssignmentId;
import io.burt.jmespath.Expression;
import io.burt.jmespath.JmesPathException;
import io.burt.jmespath.jackson.JacksonRuntime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters of ARM values: a bad value is a usage error (exit code 2) saying what is accepted. */
final class Converters {

    private Converters() {
    }

    /** {@code --query}: a JMESPath expression, compiled once; a bad one is reported with the parser's message. */
    static final class Query implements ITypeConverter<Expression<JsonNode>> {
        private static final JacksonRuntime JMESPATH = new JacksonRuntime();

        @Override
        public Expression<JsonNode> convert(String value) {
            try {
                return JMESPATH.compile(value);
            } catch (JmesPathException e) {
                throw new TypeConversionException("'" + value + "' is not a JMESPath expression: " + e.getMessage());
            }
        }
    }

    /** {@code --scope}: {@code /}, a subscription, a resource group or a machine id. */
    static final class Scope implements ITypeConverter<ArmScope> {
        @Override
        public ArmScope convert(String value) {
            try {
                return ArmScope.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A role assignment's full id. */
    static final class AssignmentId implements ITypeConverter<RoleAssignmentId> {
        @Override
        public RoleAssignmentId convert(String value) {
            try {
                return RoleAssignmentId.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --tags}: one {@code NAME=VALUE}. */
    static final class TagAssignment implements ITypeConverter<Tag> {
        @Override
        public Tag convert(String value) {
            try {
                return Tag.assignment(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --tag}: {@code NAME} or {@code NAME=VALUE}. */
    static final class TagFilter implements ITypeConverter<Tag> {
        @Override
        public Tag convert(String value) {
            try {
                return Tag.filter(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * A point in time, ISO-8601: {@code 2026-01-02T15:04:05Z}, with an offset ({@code +02:00}), or without one or
     * without a time of day ({@code 2026-01-02}), both read as UTC (as az does).
     */
    static final class Time implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return parse(value);
        }

        static Instant parse(String value) {
            String text = value.strip();
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notWithOffset) {
                // Try the forms without an offset.
            }
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                // Try a bare date.
            }
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a time: use ISO-8601, e.g. "
                        + "2026-01-02T15:04:05Z, 2026-01-02T15:04:05+02:00, or 2026-01-02 (UTC)");
            }
        }
    }
}
