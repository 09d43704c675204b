package io.agentgate.dashboard;

import io.agentgate.approval.ApproverDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The dashboard accounts as approval's {@link ApproverDirectory}: roles, approver groups and
 * whether the account is disabled.
 *
 * <p>Who gets the mail of a new pending action ({@link #allApprovers()}, {@link #approversIn(String)},
 * {@link #nonVoters()}) is asked for every pending submission, inside the writer's batch, so it is answered from a
 * snapshot of the accounts that is dropped whenever an account changes here ({@link AccountsChanged}) or on another
 * instance (the cluster's notice).
 * Who may vote ({@link #find(String)}) is always read from the database.
 */
@ApplicationScoped
public class AccountDirectory implements ApproverDirectory {

    /** An account was created, changed or deleted; fired in the changing transaction. */
    public record AccountsChanged() {
    }

    private volatile List<Person> snapshot;
    private final AtomicLong generation = new AtomicLong();

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Person> find(String email) {
        return Account.findByEmail(email).map(AccountDirectory::person);
    }

    @Override
    public List<String> approversIn(String group) {
        return people().stream().filter(p -> p.mayVote() && p.groups().contains(group)).map(Person::email).toList();
    }

    @Override
    public List<String> allApprovers() {
        return people().stream().filter(Person::mayVote).map(Person::email).toList();
    }

    @Override
    public Set<String> nonVoters() {
        return people().stream().filter(p -> !p.mayVote()).map(Person::email).collect(Collectors.toUnmodifiableSet());
    }

    /** Drops the snapshot (an account changed here, or another instance said one changed). */
    public void invalidate() {
        generation.incrementAndGet();
        snapshot = null;
    }

    void changing(@Observes AccountsChanged change) {
        invalidate();
    }

    void changed(@Observes(during = TransactionPhase.AFTER_COMPLETION) AccountsChanged change) {
        invalidate();
    }

    private List<Person> people() {
        List<Person> current = snapshot;
        if (current != null) {
            return current;
        }
        long seen = generation.get();
        List<Person> loaded = load();
        if (generation.get() == seen) {
            snapshot = loaded;
            if (generation.get() != seen) {
                snapshot = null; // a change raced the load
            }
        }
        return loaded;
    }

    /** Every account, sorted by email, with its groups in the same query. */
    @Transactional(Transactional.TxType.SUPPORTS)
    List<Person> load() {
        return Account.<Account>find("select distinct a from Account a left join fetch a.groups order by a.email")
                .list().stream().map(AccountDirectory::person).toList();
    }

    private static Person person(Account a) {
        return new Person(a.email, a.mayApprove(), Set.copyOf(a.groups), a.disabled);
    }
}
