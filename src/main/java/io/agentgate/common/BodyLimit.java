package io.agentgate.common;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses bodies over 1 MiB up front with a problem+json 413, before anything reads them. Chunked bodies without a
 * length are cut by {@code quarkus.http.limits.max-body-size} at the same size.
 */
@ApplicationScoped
public class BodyLimit {

    public static final long MAX_BYTES = 1024 * 1024;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLong(length)) {
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .putHeader("X-Content-Type-Options", "nosniff")
                        .putHeader("Cache-Control", "no-store")
                        .putHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                        .end("{\"type\":\"/problems/payload-too-large\",\"title\":\"Payload too large\",\"status\":413,"
                                + "\"detail\":\"The request body is over the limit of 1 MiB (" + MAX_BYTES + " bytes)\"}");
                return;
            }
            ctx.next();
        });
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BYTES;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
