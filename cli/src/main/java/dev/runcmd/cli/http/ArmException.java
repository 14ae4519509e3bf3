package dev.runcmd.cli.http;

/** An error answer of the REST API, carrying the ARM error body's code and message. */
public final class ArmException extends Exception {

    private final int status;
    private final String code;

    public ArmException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code + " (HTTP " + status + "): " + getMessage();
    }
}
