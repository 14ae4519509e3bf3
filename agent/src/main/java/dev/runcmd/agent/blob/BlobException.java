package dev.runcmd.agent.blob;

/**
 * Why a blob could not be created or written, in words meant for the operator ("HTTP 403", "timed
 * out after 60 s", or a whole sentence for a blob that cannot be created). Its message never holds
 * the URL's query (a SAS token).
 */
public final class BlobException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the failure with the operator-facing {@code message}. */
    public BlobException(String message) {
        super(message);
    }
}
