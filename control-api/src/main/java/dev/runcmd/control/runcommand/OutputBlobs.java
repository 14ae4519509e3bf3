package dev.runcmd.control.runcommand;

/**
 * Azure's {@code outputBlobUri} and {@code errorBlobUri}: where the agent uploads the full stdout and stderr while
 * the script runs. The URLs usually carry a SAS token, so they are shown to the caller (as Azure does) but never
 * logged.
 *
 * @param outputBlobUri an http(s) URL for stdout, or null
 * @param errorBlobUri an http(s) URL for stderr, or null
 */
public record OutputBlobs(String outputBlobUri, String errorBlobUri) {

    /** No upload. */
    public static final OutputBlobs NONE = new OutputBlobs(null, null);

    /** Says only which URLs are set. */
    @Override
    public String toString() {
        return "OutputBlobs[output=" + (outputBlobUri != null) + ", error=" + (errorBlobUri != null) + "]";
    }
}
