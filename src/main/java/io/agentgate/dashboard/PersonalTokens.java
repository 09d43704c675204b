package io.agentgate.dashboard;

import io.agentgate.agent.ApiKeys;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Personal API tokens of dashboard users: created and revoked by their owner in the dashboard, shown once, stored as
 * a SHA-256 hash. A token acts as its user (roles of the account, now) and stops with a disabled or deleted account.
 */
@ApplicationScoped
public class PersonalTokens {

    public static final String PREFIX = "agu_";
    static final int MAX_PER_ACCOUNT = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration USE_GRANULARITY = Duration.ofMinutes(1);

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    /** A token just created: the secret is in {@code token}, shown only now. */
    public record Created(UUID id, String name, String token) {
    }

    /** A token as its owner sees it in the list (never the secret). */
    public record Row(UUID id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    /** Whom a token belongs to: the account's email and roles, and the token's id (what the audit names). */
    public record Holder(UUID tokenId, String email, List<String> roles) {
    }

    @Transactional
    public Created create(String email, String name) {
        Account account = Account.findByEmail(email).orElseThrow(() -> new NotFound("No account " + email));
        String label = name == null ? "" : name.strip();
        if (label.isEmpty() || label.length() > 100 || label.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequest("name", "must be 1 to 100 characters, no control characters");
        }
        if (PersonalToken.count("accountId = ?1 and revokedAt is null", account.id) >= MAX_PER_ACCOUNT) {
            throw new InvalidRequest("name", "at most " + MAX_PER_ACCOUNT + " active tokens; revoke one first");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        PersonalToken token = new PersonalToken();
        token.id = UUID.randomUUID();
        token.accountId = account.id;
        token.name = label;
        token.tokenHash = ApiKeys.hash(secret);
        token.createdAt = clock.instant();
        token.persist();
        audit.record("user.token.created", null, null, account.email, details(token, account));
        return new Created(token.id, token.name, secret);
    }

    @Transactional
    public List<Row> list(String email) {
        return Account.findByEmail(email).map(account -> PersonalToken.<PersonalToken>list(
                "accountId = ?1 order by createdAt desc", account.id).stream()
                .map(t -> new Row(t.id, t.name, t.createdAt, t.lastUsedAt, t.revokedAt)).toList())
                .orElse(List.of());
    }

    /** The owner revokes one of their tokens; it stops working at once. */
    @Transactional
    public void revoke(String email, UUID id) {
        Account account = Account.findByEmail(email).orElseThrow(() -> new NotFound("No account " + email));
        PersonalToken token = PersonalToken.<PersonalToken>find("id = ?1 and accountId = ?2", id, account.id)
                .firstResultOptional().orElseThrow(() -> new NotFound("No token " + id));
        if (token.revokedAt == null) {
            token.revokedAt = clock.instant();
            audit.record("user.token.revoked", null, null, account.email, details(token, account));
        }
    }

    /** Who holds this token, if it is a live token of an enabled account. */
    @Transactional
    public Optional<Holder> holder(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Optional<PersonalToken> found = PersonalToken.<PersonalToken>find("tokenHash", ApiKeys.hash(secret))
                .firstResultOptional().filter(t -> t.revokedAt == null);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PersonalToken token = found.get();
        Optional<Account> account = Account.<Account>findByIdOptional(token.accountId).filter(a -> !a.disabled);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (token.lastUsedAt == null || token.lastUsedAt.plus(USE_GRANULARITY).isBefore(now)) {
            token.lastUsedAt = now;
        }
        return Optional.of(new Holder(token.id, account.get().email, account.get().roleList()));
    }

    private static Map<String, Object> details(PersonalToken token, Account account) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("email", account.email);
        details.put("tokenId", token.id);
        details.put("name", token.name);
        return details;
    }
}
