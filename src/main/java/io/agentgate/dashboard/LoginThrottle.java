package io.agentgate.dashboard;

import io.agentgate.common.Cluster;
import io.agentgate.dashboard.LoginCounts.Kind;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Slows down password guessing at the login form: after {@code max-failures} wrong passwords for one account, or
 * {@code max-failures-per-address} failures from one client address, within the window, every login for it is refused
 * for the lockout, even with the right password. Counts are kept by {@link LoginCounts}: in memory on one instance,
 * in PostgreSQL shared by all instances of a cluster (then read and written on a worker thread).
 *
 * <p>The form POST ({@code /j_security_check}) passes through {@link #register}: a locked address is refused before
 * any password is checked. {@link ThrottledLogins} then counts the attempt against the account ({@link #admit})
 * before the password is checked, atomically, so of any number of parallel guesses only {@code max-failures} reach
 * the bcrypt check and the rest are answered as throttled; a successful login clears the count. The address's
 * failures are counted from the form mechanism's redirect (to the error page, or not).
 */
@ApplicationScoped
public class LoginThrottle {

    /** Routing context key under which {@link ThrottledLogins} leaves the username of the attempt. */
    static final String USERNAME_KEY = "agentgate.login.username";
    /** Routing context key holding the lock's end when the attempt was refused by the throttle, not a wrong password. */
    static final String THROTTLED_KEY = "agentgate.login.throttled";
    /** Routing context key holding the account's count of an admitted attempt (see {@link #admit}). */
    static final String ATTEMPT_KEY = "agentgate.login.attempt";
    static final String POST_LOCATION = "/j_security_check";
    static final String THROTTLED_PAGE = "/?error=throttled";

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    @Inject
    DashboardSettings settings;

    @Inject
    Clock clock;

    @Inject
    Cluster cluster;

    @Inject
    MemoryLoginCounts memoryCounts;

    @Inject
    SharedLoginCounts sharedCounts;

    private LoginCounts counts;
    /** Counts being written on a worker, by kind and key (shared counts only). */
    private final Map<String, CompletableFuture<Void>> writing = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        counts = cluster.enabled() ? sharedCounts : memoryCounts;
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
        if (counts.blocking()) {
            // the form body must not flow past while the lookup runs on a worker
            rc.request().pause();
            rc.vertx().executeBlocking(() -> lockedUntil(Kind.ADDRESS, address), false)
                    .onComplete(lookup -> {
                        rc.request().resume();
                        if (lookup.succeeded()) {
                            filter(rc, address, lookup.result());
                        } else {
                            rc.fail(lookup.cause());
                        }
                    });
            return;
        }
        filter(rc, address, counts.lockedUntil(Kind.ADDRESS, address, clock.instant()));
    }

    private void filter(RoutingContext rc, String address, Optional<Instant> locked) {
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
                // the account's attempt was counted before its password was checked (admit); the address's now
                Integer attempt = rc.get(ATTEMPT_KEY);
                if (attempt != null && attempt == settings.login().maxFailures()) {
                    LOG.warnf("login for an account locked for %s after %d failures (address %s)",
                            settings.login().lockout(), attempt, address);
                }
                store(rc, address, null, () -> failure(address, null));
            } else if (username != null && rc.response().getStatusCode() / 100 == 3) {
                store(rc, null, username, () -> counts.clear(Kind.ACCOUNT, key(username)));
            }
        });
        rc.next();
    }

    /**
     * A count written once the answer is decided; on a worker when the store blocks. Until it is written, the next
     * attempt for the same account or address on this instance waits for it before reading (bounded), so a client
     * retrying one login at a time is never ahead of its own count.
     */
    private void store(RoutingContext rc, String address, String username, Runnable write) {
        if (!counts.blocking()) {
            write.run();
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        List<String> keys = new ArrayList<>(2);
        if (address != null) {
            keys.add(Kind.ADDRESS + address);
        }
        if (username != null) {
            keys.add(Kind.ACCOUNT + key(username));
        }
        keys.forEach(k -> writing.put(k, written));
        rc.vertx().executeBlocking(() -> {
            write.run();
            return null;
        }, false).onComplete(done -> {
            keys.forEach(k -> writing.remove(k, written));
            written.complete(null);
            if (done.failed()) {
                LOG.warnf("login attempt not counted: %s", done.cause().getMessage());
            }
        });
    }

    /** Blocking when the counts are shared: waits for this instance's count of the previous attempt first. */
    private Optional<Instant> lockedUntil(Kind kind, String key) {
        awaitWrite(kind, key);
        return counts.lockedUntil(kind, key, clock.instant());
    }

    /** Waits (bounded) for this instance's write of the key's previous attempt, if one is under way. */
    private void awaitWrite(Kind kind, String key) {
        CompletableFuture<Void> pending = writing.get(kind + key);
        if (pending != null) {
            try {
                pending.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debugf("login count still not written after 2 s; reading what is there");
            }
        }
    }

    /** Reads the username of a login POSTed to another path, counts the failure and sends it to the error page. */
    private void countElsewhere(RoutingContext rc, String address) {
        rc.request().setExpectMultipart(true);
        rc.request().endHandler(v -> {
            String username = rc.request().getFormAttribute("j_username");
            String account = username == null || username.isBlank() || username.length() > 320 ? null : username;
            store(rc, address, account, () -> failure(address, account));
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

    /**
     * Counts a login attempt for this account before its password is checked (blocking when the counts are shared).
     * Empty: the attempt is within the limit, and {@link #ATTEMPT_KEY} holds its number; otherwise the end of the
     * lock, and the password must not be checked. A successful login clears the count.
     */
    Optional<Instant> admit(String username, RoutingContext rc) {
        String key = key(username);
        awaitWrite(Kind.ACCOUNT, key);
        var login = settings.login();
        Instant now = clock.instant();
        LoginCounts.Count count = counts.fail(Kind.ACCOUNT, key, login.maxFailures(), now, login.window(),
                login.lockout());
        if (count.admitted(login.maxFailures())) {
            if (rc != null) {
                rc.put(ATTEMPT_KEY, count.failures());
            }
            return Optional.empty();
        }
        return Optional.of(count.lockedUntil() != null ? count.lockedUntil() : now.plus(login.lockout()));
    }

    /** Counts a failed login against the address and, unless its attempt was counted already (null), the account. */
    void failure(String address, String username) {
        var login = settings.login();
        Instant now = clock.instant();
        counts.fail(Kind.ADDRESS, address, login.maxFailuresPerAddress(), now, login.window(), login.lockout());
        if (username != null && counts.fail(Kind.ACCOUNT, key(username), login.maxFailures(), now, login.window(),
                login.lockout()).failures() == login.maxFailures()) {
            LOG.warnf("login for an account locked for %s after %d failures (address %s)", login.lockout(),
                    login.maxFailures(), address);
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

    private static String key(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }

    private static String address(RoutingContext rc) {
        var remote = rc.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
