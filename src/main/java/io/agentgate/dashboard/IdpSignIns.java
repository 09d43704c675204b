package io.agentgate.dashboard;

import io.agentgate.audit.AuditLog;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The accounts of people who sign in through the identity provider. Each sign-in brings the ID token's facts: the
 * account is created at the first one, and its roles (the groups mapped by {@code agentgate.oidc.role-map}) and
 * approver groups (the IdP's groups, replacing any stored ones) are stored at every one, so eligibility, mail
 * routing and other instances read them from the database like those of any account.
 */
@ApplicationScoped
public class IdpSignIns {

    private static final Logger LOG = Logger.getLogger(IdpSignIns.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    @Inject
    SignOnSettings settings;

    @Inject
    Event<AccountDirectory.AccountsChanged> changed;

    /** What the ID token says of the person. */
    public record Claims(String issuer, String subject, String email, boolean emailVerified, List<String> groups) {
    }

    /** A sign-in the dashboard refuses, with the reason shown to the person. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * The account of this IdP identity, created or brought up to date; its email is the session's principal.
     *
     * @throws Refused no email, no mapped role, a disabled account, or an email that belongs to another identity
     */
    @Transactional
    public String signIn(Claims claims) {
        if (claims.email() == null || !claims.email().matches("[^@\\s]{1,200}@[^@\\s]{1,119}")) {
            throw new Refused("Your identity provider sent no email address; AgentGate needs one.");
        }
        String email = claims.email().trim().toLowerCase(Locale.ROOT);
        Set<String> groups = groups(claims.groups());
        String roles = roles(claims.groups());
        Account account = Account.<Account>find("idpIssuer = ?1 and idpSubject = ?2", claims.issuer(),
                claims.subject()).firstResultOptional().orElse(null);
        if (account == null) {
            account = Account.findByEmail(email).orElse(null);
            if (account != null && (account.idpSubject != null || !claims.emailVerified())) {
                // an email owned by a local account (or another IdP identity) is taken over only on a verified email
                throw new Refused("An account for " + email + " exists and is not linked to this sign-in; "
                        + "ask an admin.");
            }
        }
        if (account != null && account.disabled) {
            throw new Refused("Your account is disabled in AgentGate; ask an admin.");
        }
        if (roles.isEmpty()) {
            throw new Refused("None of your groups at the identity provider gives a role in AgentGate; "
                    + "ask an admin to map one (agentgate.oidc.role-map).");
        }
        if (account == null) {
            return create(claims, email, roles, groups);
        }
        boolean same = roles.equals(account.roles) && groups.equals(new TreeSet<>(account.groups))
                && email.equals(account.email) && claims.subject().equals(account.idpSubject)
                && claims.issuer().equals(account.idpIssuer);
        if (!email.equals(account.email) && Account.findByEmail(email).isPresent()) {
            throw new Refused("Your new email " + email + " belongs to another AgentGate account; ask an admin.");
        }
        if (!same) {
            account.email = email;
            account.roles = roles;
            account.groups.clear();
            account.groups.addAll(groups);
            account.idpIssuer = claims.issuer();
            account.idpSubject = claims.subject();
            account.updatedAt = clock.instant();
            audit.record("user.updated", null, null, actor(claims), details(account));
            changed.fire(new AccountDirectory.AccountsChanged());
        }
        LOG.infof("account %s signed in through the identity provider", account.id);
        return account.email;
    }

    private String create(Claims claims, String email, String roles, Set<String> groups) {
        Account account = new Account();
        account.id = UUID.randomUUID();
        account.email = email;
        // no password anyone knows: this account signs in at the identity provider
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        account.passwordHash = BcryptUtil.bcryptHash(Base64.getEncoder().encodeToString(secret), 10);
        account.roles = roles;
        account.groups = groups;
        account.idpIssuer = claims.issuer();
        account.idpSubject = claims.subject();
        account.createdAt = clock.instant();
        account.updatedAt = account.createdAt;
        // a cookie of an earlier account with this email opens nothing; this sign-in's session is stamped later
        account.sessionsValidAfter = AccountService.sessionNow().minusMillis(1);
        account.persistAndFlush();
        audit.record("user.created", null, null, actor(claims), details(account));
        changed.fire(new AccountDirectory.AccountsChanged());
        LOG.infof("account %s created at its first sign-in through the identity provider", account.id);
        return account.email;
    }

    /** The roles the IdP groups map to, comma-separated and sorted like every account's (empty: none). */
    String roles(List<String> idpGroups) {
        Set<String> roles = new TreeSet<>();
        for (String group : idpGroups) {
            String role = settings.oidc().roleMap().get(group);
            if (role == null) {
                role = settings.oidc().roleMap().get(group.replaceFirst("^/", ""));
            }
            if (role != null && AccountService.ROLES.contains(role.trim().toLowerCase(Locale.ROOT))) {
                roles.add(role.trim().toLowerCase(Locale.ROOT));
            }
        }
        return String.join(",", roles);
    }

    /** The IdP groups as approver groups ({@code group:<name>}): lower case, no leading '/', odd names left out. */
    static Set<String> groups(List<String> idpGroups) {
        Set<String> groups = new TreeSet<>();
        List<String> skipped = new ArrayList<>();
        for (String group : idpGroups) {
            String name = group.trim().replaceFirst("^/", "").toLowerCase(Locale.ROOT);
            if (GROUP.matcher(name).matches()) {
                groups.add(name);
            } else {
                skipped.add(name);
            }
        }
        if (!skipped.isEmpty()) {
            LOG.debugf("%d IdP group names are no approver group names and were left out", skipped.size());
        }
        return groups;
    }

    private static String actor(Claims claims) {
        return "oidc:" + claims.issuer();
    }

    private static Map<String, Object> details(Account account) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("email", account.email);
        details.put("roles", account.roleList());
        details.put("groups", account.groupList());
        details.put("idpIssuer", account.idpIssuer);
        details.put("idpSubject", Objects.requireNonNull(account.idpSubject));
        return details;
    }
}
