package dev.runcmd.control.arm;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An ARM list result, {@code {"value":[...],"nextLink":"..."}}. {@code nextLink} is absent on the last page.
 *
 * @param value the listed resources
 * @param nextLink the absolute URL of the next page, or null on the last one
 * @param <T> the resource view type
 */
public record ArmList<T>(List<T> value, @JsonInclude(JsonInclude.Include.NON_NULL) String nextLink) {

    /** A list that is never paged. */
    public static <T> ArmList<T> of(List<T> value) {
        return new ArmList<>(value, null);
    }
}
