package io.agentgate.dashboard;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Slows down password guessing at the login form: after {@code max-failures} wrong passwords for one account, or
 * {@code max-failures-per-address} failures from one client address, within the window, every login for it is refused
 * for the lockout, even with the right password. Counts are kept in memory per instance.
 *
 * <p>The form POST ({@code /j_security_check}) passes through {@link #register}: a locked address is refused before
 * any password is checked; {@link ThrottledLogins} refuses a locked account; the result is counted from the form
 * mechanism's redirect (to the error page, or not).
 */
@ApplicationScoped
public class LoginThrottle {

    /** Routing context key under which {@link ThrottledLogins} leaves the username of the attempt. */
    static final String USERNAME_KEY = "agentgate.login.username";
    /** Routing context key holding the lock's end when the attempt was refused by the throttle, not a wrong password. */
    static final String THROTTLED_KEY = "agentgate.login.throttled";
    static final String POST_LOCATION = "/j_security_check";
    static final String THROTTLED_PAGE = "/?error=throttled";

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);
    private static final int MAX_TRACKED = 100_000;

    @Inject
    DashboardSettings settings;

    @Inject
    Clock clock;

    private final Map<String, Attempts> accounts = new ConcurrentHashMap<>();
    private final Map<String, Attempts> addresses = new ConcurrentHashMap<>();

    /** Failures in the current window and, once a limit is hit, when logins are allowed again. */
    private record Attempts(int failures, Instant windowStart, Instant lockedUntil) {
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, 200);
    }

    private void filter(RoutingContext rc) {
        // Quarkus' form mechanism treats any POST whose path ends in the post location as a login: count them all
        if (rc.request().method() != HttpMethod.POST || !rc.normalizedPath().endsWith(POST_LOCATION)) {
            rc.next();
            return;
        }
        String address = address(rc);
        if (!POST_LOCATION.equals(rc.normalizedPath())) {
            // no login happens at another path (DashboardLogin), but a guess there counts like one at the form's path
            countElsewhere(rc, address);
            return;
        }
        Optional<Instant> locked = lockedUntil(addresses, address);
        if (locked.isPresent()) {
            LOG.infof("login from %s refused: address locked until %s", address, locked.get());
            refuse(rc, locked.get());
            return;
        }
        rc.addHeadersEndHandler(v -> {
            relativeLocation(rc);
            Instant until = rc.get(THROTTLED_KEY);
            if (until != null) {
                // the account is locked: the form mechanism sent its error page; say why instead
                rc.response().headers().set("Location", THROTTLED_PAGE).set("Retry-After", retryAfter(until));
                return;
            }
            String location = rc.response().headers().get("Location");
            String username = rc.get(USERNAME_KEY);
            boolean failed = rc.response().getStatusCode() >= 400 || location != null && location.contains("error=");
            if (failed) {
                failure(address, username);
            } else if (username != null && rc.response().getStatusCode() / 100 == 3) {
                accounts.remove(key(username));
            }
        });
        rc.next();
    }

    /** Reads the username of a login POSTed to another path, counts the failure and sends it to the error page. */
    private void countElsewhere(RoutingContext rc, String address) {
        rc.request().setExpectMultipart(true);
        rc.request().endHandler(v -> {
            String username = rc.request().getFormAttribute("j_username");
            failure(address, username == null || username.isBlank() || username.length() > 320 ? null : username);
            rc.response().setStatusCode(302).putHeader("Location", "/?error=login").end();
        });
        rc.request().resume();
    }

    /** The form mechanism's redirects are absolute URLs built from the Host header: keep only path and query. */
    private static void relativeLocation(RoutingContext rc) {
        String location = rc.response().headers().get("Location");
        if (location == null || location.startsWith("/")) {
            return;
        }
        String origin = rc.request().scheme() + "://" + rc.request().getHeader("Host");
        if (location.startsWith(origin)) {
            String rest = location.substring(origin.length());
            rc.response().headers().set("Location", rest.startsWith("/") ? rest : "/" + rest);
        }
    }

    /** When logins for this account are allowed again, if they are refused now. */
    Optional<Instant> accountLockedUntil(String username) {
        return lockedUntil(accounts, key(username));
    }

    void failure(String address, String username) {
        var login = settings.login();
        count(addresses, address, login.maxFailuresPerAddress());
        if (username != null) {
            if (count(accounts, key(username), login.maxFailures())) {
                LOG.warnf("login for an account locked for %s after %d failures (address %s)", login.lockout(),
                        login.maxFailures(), address);
            }
        }
    }

    /** Sends a refused login back to the login form, which says why. */
    private void refuse(RoutingContext rc, Instant until) {
        rc.response().setStatusCode(302).putHeader("Location", THROTTLED_PAGE)
                .putHeader("Retry-After", retryAfter(until)).end();
    }

    private String retryAfter(Instant until) {
        return Long.toString(Math.max(1, Duration.between(clock.instant(), until).toSeconds()));
    }

    private boolean count(Map<String, Attempts> map, String key, int max) {
        Instant now = clock.instant();
        var login = settings.login();
        if (map.size() > MAX_TRACKED) {
            map.values().removeIf(a -> !active(a, now));
        }
        Attempts after = map.compute(key, (k, a) -> {
            if (a == null || !active(a, now)) {
                a = new Attempts(0, now, null);
            }
            if (a.lockedUntil() != null && a.lockedUntil().isAfter(now)) {
                return a;
            }
            int failures = a.failures() + 1;
            return new Attempts(failures, a.windowStart(), failures >= max ? now.plus(login.lockout()) : null);
        });
        return after.lockedUntil() != null && after.failures() == max;
    }

    private Optional<Instant> lockedUntil(Map<String, Attempts> map, String key) {
        Attempts a = map.get(key);
        Instant now = clock.instant();
        if (a == null || a.lockedUntil() == null || !a.lockedUntil().isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(a.lockedUntil());
    }

    private boolean active(Attempts a, Instant now) {
        return a.lockedUntil() != null ? a.lockedUntil().isAfter(now)
                : a.windowStart().plus(settings.login().window()).isAfter(now);
    }

    private static String key(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }

    private static String address(RoutingContext rc) {
        var remote = rc.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
