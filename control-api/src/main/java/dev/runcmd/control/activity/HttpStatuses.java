package dev.runcmd.control.activity;

import jakarta.ws.rs.core.Response;

/** How the activity log names HTTP statuses: ARM's {@code subStatus} and {@code level}. */
final class HttpStatuses {

    private HttpStatuses() {
    }

    /** ARM's subStatus: the reason phrase without spaces ({@code Created}, {@code BadRequest}, {@code Forbidden}). */
    static String subStatus(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        if (known != null) {
            return known.getReasonPhrase().replace(" ", "").replace("-", "");
        }
        return switch (status) {
            case 422 -> "UnprocessableEntity";
            case 429 -> "TooManyRequests";
            case 499 -> "ClientClosedRequest";
            default -> "HttpStatus" + status;
        };
    }

    /** The subStatus as ARM shows it to people: {@code Created (HTTP Status Code: 201)}. */
    static String localizedSubStatus(String subStatus, Integer status) {
        return status == null ? subStatus : subStatus + " (HTTP Status Code: " + status + ")";
    }

    /** ARM's level: {@code Error} for 5xx, {@code Warning} for 4xx, else {@code Informational}. */
    static String level(Integer status) {
        if (status == null) {
            return "Informational";
        }
        return status >= 500 ? "Error" : status >= 400 ? "Warning" : "Informational";
    }
}
