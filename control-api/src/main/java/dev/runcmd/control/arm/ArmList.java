package dev.runcmd.control.arm;

import java.util.List;

/**
 * An ARM list result, {@code {"value":[...]}}. Lists are never paged yet, so there is no {@code nextLink}.
 *
 * @param value the listed resources
 * @param <T> the resource view type
 */
public record ArmList<T>(List<T> value) {
}
