package io.agentgate.common;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers every answer gets once: {@code X-Content-Type-Options: nosniff} everywhere (pages, static files, errors),
 * {@code Cache-Control: no-store} on the API (its answers carry API keys, webhook secrets and decisions) and on the
 * dashboard's live stream, which also gets the pages' CSP (JAX-RS response filters do not reach a stream).
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String STREAM_CSP = "default-src 'none'; frame-ancestors 'none'";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            rc.addHeadersEndHandler(v -> {
                var h = rc.response().headers();
                h.set("X-Content-Type-Options", "nosniff");
                if (path.startsWith("/api/") && !h.contains("Cache-Control")) {
                    h.set("Cache-Control", "no-store");
                }
                if (path.equals("/dashboard/events")) {
                    h.set("Cache-Control", "no-store");
                    if (!h.contains("Content-Security-Policy")) {
                        h.set("Content-Security-Policy", STREAM_CSP);
                    }
                }
            });
            rc.next();
        }, 300);
    }
}
