package dev.runcmd.control.arm;

/**
 * The ARM error body, {@code {"error":{"code":"...","message":"..."}}}.
 *
 * @param error the code and message
 */
public record ArmError(Detail error) {

    /**
     * The inner object of an ARM error body.
     *
     * @param code a stable, machine-readable code such as {@code ResourceNotFound}
     * @param message a sentence for a human
     */
    public record Detail(String code, String message) {
    }

    /** Builds the body for a code and a message. */
    public static ArmError of(String code, String message) {
        return new ArmError(new Detail(code, message));
    }
}
