package io.agentgate.dashboard;

import io.agentgate.audit.AuditLog;
import io.agentgate.common.Conflict;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/** Dashboard accounts: created by the admin API or the governance file; passwords hashed with bcrypt. */
@ApplicationScoped
public class AccountService {

    public static final Set<String> ROLES = Set.of("viewer", "approver", "admin");
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern BCRYPT = Pattern.compile("^\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}$");

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    @Inject
    Event<AccountDirectory.AccountsChanged> changed;

    @Transactional
    public Account create(String email, String password, List<String> roles, List<String> groups, String actor) {
        String normalized = normalize(email);
        String roleColumn = roles(roles);
        Set<String> groupSet = groups(groups);
        if (Account.findByEmail(normalized).isPresent()) {
            throw exists(normalized);
        }
        Account account = new Account();
        account.id = UUID.randomUUID();
        account.email = normalized;
        account.passwordHash = hash(password);
        account.roles = roleColumn;
        account.groups = groupSet;
        account.createdAt = clock.instant();
        account.updatedAt = account.createdAt;
        // a cookie of an earlier account with this email opens nothing
        account.sessionsValidAfter = sessionNow();
        try {
            account.persistAndFlush();
        } catch (PersistenceException e) {
            throw exists(normalized);
        }
        audit.record("user.created", null, null, actor, details(account));
        changed.fire(new AccountDirectory.AccountsChanged());
        return account;
    }

    /**
     * Creates the account, or sets its password, roles and groups when it exists (the governance file is
     * authoritative).
     */
    @Transactional
    public Account upsert(String email, String password, List<String> roles, List<String> groups, String actor) {
        String normalized = normalize(email);
        Account account = Account.findByEmail(normalized).orElse(null);
        if (account == null) {
            return create(normalized, password, roles, groups, actor);
        }
        String roleColumn = roles(roles);
        Set<String> groupSet = groups(groups);
        boolean samePassword = password.equals(account.passwordHash)
                || !isBcrypt(password) && BcryptUtil.matches(password, account.passwordHash);
        if (samePassword && roleColumn.equals(account.roles) && groupSet.equals(new TreeSet<>(account.groups))) {
            return account;
        }
        if (!samePassword) {
            account.passwordHash = hash(password);
            account.sessionsValidAfter = sessionNow();
        }
        account.roles = roleColumn;
        account.groups.clear();
        account.groups.addAll(groupSet);
        account.updatedAt = clock.instant();
        audit.record("user.updated", null, null, actor, details(account));
        changed.fire(new AccountDirectory.AccountsChanged());
        return account;
    }

    /** What an admin changes of an account; null fields stay as they are. */
    public record Change(String password, List<String> roles, Boolean disabled) {
    }

    /**
     * Changes an account (admin). A new password or disabling ends every session of the account on every instance;
     * disabling also stops its personal tokens.
     */
    @Transactional
    public Account update(String email, Change change, String actor) {
        Account account = existing(email);
        boolean endSessions = false;
        if (change.password() != null) {
            account.passwordHash = hash(change.password());
            endSessions = true;
        }
        if (change.roles() != null) {
            account.roles = roles(change.roles());
        }
        if (change.disabled() != null && change.disabled() != account.disabled) {
            account.disabled = change.disabled();
            endSessions |= account.disabled;
        }
        account.updatedAt = clock.instant();
        if (endSessions) {
            account.sessionsValidAfter = sessionNow();
        }
        Map<String, Object> details = details(account);
        details.put("disabled", account.disabled);
        details.put("passwordChanged", change.password() != null);
        details.put("sessionsEnded", endSessions);
        audit.record("user.updated", null, null, actor, details);
        changed.fire(new AccountDirectory.AccountsChanged());
        return account;
    }

    /** Deletes an account with its personal tokens; its sessions end with it. */
    @Transactional
    public void delete(String email, String actor) {
        Account account = existing(email);
        PersonalToken.delete("accountId", account.id);
        account.delete();
        audit.record("user.deleted", null, null, actor, details(account));
        changed.fire(new AccountDirectory.AccountsChanged());
    }

    /** A user changes their own password: the current one is checked; every session of the account ends. */
    @Transactional
    public void changeOwnPassword(String email, String current, String replacement) {
        Account account = existing(email);
        if (current == null || !BcryptUtil.matches(current, account.passwordHash)) {
            throw new InvalidRequest("current", "is not your current password");
        }
        if (replacement == null || isBcrypt(replacement)) {
            throw new InvalidRequest("password", "must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        account.passwordHash = hash(replacement);
        account.updatedAt = clock.instant();
        account.sessionsValidAfter = sessionNow();
        Map<String, Object> details = details(account);
        details.put("passwordChanged", true);
        details.put("sessionsEnded", true);
        audit.record("user.updated", null, null, account.email, details);
        changed.fire(new AccountDirectory.AccountsChanged());
    }

    /** Ends every session of an account (logout ends them all: the account's sessions are one). */
    @Transactional
    public void endSessions(String email) {
        Account.findByEmail(normalizeQuietly(email)).ifPresent(a -> a.sessionsValidAfter = sessionNow());
    }

    /** Whether a session of this account logged in at {@code loginAt} is still valid. */
    @Transactional
    public boolean sessionValid(String email, Instant loginAt) {
        return Account.findByEmail(normalizeQuietly(email))
                .filter(a -> !a.disabled)
                .filter(a -> a.sessionsValidAfter == null || loginAt.isAfter(a.sessionsValidAfter))
                .isPresent();
    }

    /** The account of a login attempt, if it exists. */
    @Transactional
    public Optional<Account> find(String email) {
        return Account.findByEmail(normalizeQuietly(email));
    }

    /** Sessions run on the wall clock, like the session cookie's own expiry (not the pinnable service clock). */
    static Instant sessionNow() {
        return Instant.now();
    }

    private Account existing(String email) {
        return Account.findByEmail(normalizeQuietly(email))
                .orElseThrow(() -> new NotFound("No account " + email));
    }

    private static String normalizeQuietly(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Account> list() {
        return Account.listAll(Sort.by("email"));
    }

    /** Checks a password or bcrypt hash without storing anything; throws with the field in error. */
    public static void checkPassword(String password) {
        if (password == null || !isBcrypt(password) && password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidRequest("password", "must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }

    private static String hash(String password) {
        checkPassword(password);
        return isBcrypt(password) ? password : BcryptUtil.bcryptHash(password, 12);
    }

    static boolean isBcrypt(String value) {
        return BCRYPT.matcher(value).matches();
    }

    private static String normalize(String email) {
        if (email == null || !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new InvalidRequest("email", "must be an email address");
        }
        if (email.trim().length() > 320) {
            throw new InvalidRequest("email", "must be at most 320 characters");
        }
        return email.trim().toLowerCase(Locale.ROOT);
    }

    private static String roles(List<String> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new InvalidRequest("roles", "must name at least one of " + ROLES);
        }
        List<String> cleaned = roles.stream().map(r -> r == null ? "" : r.trim().toLowerCase(Locale.ROOT))
                .distinct().sorted().toList();
        for (String role : cleaned) {
            if (!ROLES.contains(role)) {
                throw new InvalidRequest("roles", "'" + role + "' is not one of " + ROLES);
            }
        }
        return String.join(",", cleaned);
    }

    /** Checks group names without storing anything; throws with the field in error. */
    public static void checkGroups(List<String> groups) {
        groups(groups);
    }

    /** Group names: lower case letters, digits, '.', '_' and '-' (an agent names one as {@code group:<name>}). */
    static Set<String> groups(List<String> groups) {
        Set<String> cleaned = new TreeSet<>();
        if (groups == null) {
            return cleaned;
        }
        for (String group : groups) {
            String name = group == null ? "" : group.trim().toLowerCase(Locale.ROOT);
            if (!GROUP.matcher(name).matches()) {
                throw new InvalidRequest("groups", "'" + group + "' is not a group name ([a-z0-9][a-z0-9._-]{0,99})");
            }
            cleaned.add(name);
        }
        return cleaned;
    }

    private static Conflict exists(String email) {
        return new Conflict("user-exists", "User exists", "An account for " + email + " already exists",
                Map.of("email", email));
    }

    private static Map<String, Object> details(Account account) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("email", account.email);
        details.put("roles", account.roleList());
        details.put("groups", account.groupList());
        return details;
    }
}
