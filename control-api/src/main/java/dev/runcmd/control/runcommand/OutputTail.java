package dev.runcmd.control.runcommand;

/**
 * The instanceView's {@code output} and {@code error}: the last bytes of stdout and stderr, as text.
 *
 * @param output the tail of stdout
 * @param error the tail of stderr
 */
public record OutputTail(String output, String error) {

    /** The tail of an execution that wrote nothing yet. */
    public static final OutputTail EMPTY = new OutputTail("", "");
}
