package dev.runcmd.bench;

/** How a request ended, by the columns of the sweep's table. */
enum Outcome {

    /** Any 2xx status. */
    SUCCESS("2xx"),
    /** 429 Too Many Requests: the API shed the request for its client. */
    TOO_MANY_REQUESTS("429"),
    /** 503 Service Unavailable: the API shed the request for overload or a store outage. */
    UNAVAILABLE("503"),
    /** 500: a defect, never a way to shed load. */
    SERVER_ERROR("500"),
    /** Any other status. */
    OTHER("other"),
    /** No status: the request timed out or its connection failed. */
    ERROR("err");

    private final String column;

    Outcome(String column) {
        this.column = column;
    }

    static Outcome of(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        return switch (status) {
            case 429 -> TOO_MANY_REQUESTS;
            case 503 -> UNAVAILABLE;
            case 500 -> SERVER_ERROR;
            default -> OTHER;
        };
    }

    String column() {
        return column;
    }
}
