package io.agentgate.dashboard;

import io.agentgate.common.AgentGateConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens of the dashboard's forms: a random per-browser cookie ({@code agentgate-csrf}, HttpOnly, SameSite=Strict)
 * and, in every form, {@code HMAC-SHA256(key, user "|" cookie)}. A cross-site page can make the browser send the
 * cookie but can read neither it nor the page, so it cannot produce the field; the token is bound to the user too.
 *
 * <p>Why not quarkus-rest-csrf: its filter checks every form POST of the application, which would refuse the approval
 * links' confirm forms (their signed token is the credential and mail clients open them without a cookie), and every
 * JSON POST of the API unless reconfigured. These tokens guard exactly the dashboard's own forms.
 */
@ApplicationScoped
public class CsrfTokens {

    public static final String COOKIE = "agentgate-csrf";
    public static final String FIELD = "csrf";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Inject
    AgentGateConfig config;

    private final SecureRandom random = new SecureRandom();
    private byte[] key;

    @PostConstruct
    void init() {
        // a key of its own, derived from the configured links secret so every instance agrees; random without one
        byte[] base = config.links().secret().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElseGet(() -> {
            byte[] r = new byte[32];
            random.nextBytes(r);
            return r;
        });
        key = hmac(base, "agentgate dashboard csrf v1");
    }

    /** The token for this user's forms; sets the browser's cookie first if it has none. */
    public String token(RoutingContext rc, String user) {
        Cookie cookie = rc.request().getCookie(COOKIE);
        String nonce;
        if (cookie == null || cookie.getValue().length() < 20) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            nonce = B64.encodeToString(bytes);
            rc.response().addCookie(Cookie.cookie(COOKIE, nonce).setPath("/").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(rc.request().isSSL()));
        } else {
            nonce = cookie.getValue();
        }
        return expected(user, nonce);
    }

    /** Whether the submitted field matches this browser's cookie and this user; constant-time. */
    public boolean valid(RoutingContext rc, String user, String submitted) {
        Cookie cookie = rc.request().getCookie(COOKIE);
        if (cookie == null || submitted == null || submitted.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected(user, cookie.getValue()).getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.US_ASCII));
    }

    private String expected(String user, String nonce) {
        return B64.encodeToString(hmac(key, user + "|" + nonce));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
