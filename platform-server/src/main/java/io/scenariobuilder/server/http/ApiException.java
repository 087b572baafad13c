package io.scenariobuilder.server.http;

import java.util.List;
import java.util.Map;

/**
 * A failure the API answers with {@code {"error": {"code", "message", "details"}}} and an HTTP status. Handlers throw
 * it (or fail the routing context with it); the failure handler writes it.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient List<Map<String, Object>> details;
    private final transient Map<String, String> headers = new java.util.LinkedHashMap<>();

    public ApiException(int status, String code, String message, List<Map<String, Object>> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details == null ? List.of() : List.copyOf(details);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<Map<String, Object>> details() {
        return details;
    }

    /** Adds a header to the answer (such as {@code Retry-After}). */
    public ApiException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The headers the answer carries beside the body. */
    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    /** 405 {@code method_not_allowed} with the {@code Allow} header listing the methods the path takes. */
    public static ApiException methodNotAllowed(String message, java.util.Collection<String> allowed) {
        return new ApiException(405, "method_not_allowed", message + " (it takes " + String.join(", ", allowed) + ")")
                .withHeader("Allow", String.join(", ", allowed));
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }
}
