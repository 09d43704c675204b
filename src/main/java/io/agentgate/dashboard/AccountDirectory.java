package io.agentgate.dashboard;

import io.agentgate.approval.ApproverDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The dashboard accounts as approval's {@link ApproverDirectory}: roles and approver groups. */
@ApplicationScoped
public class AccountDirectory implements ApproverDirectory {

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Person> find(String email) {
        return Account.findByEmail(email).map(a -> new Person(a.email, a.mayApprove(), Set.copyOf(a.groups)));
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> approversIn(String group) {
        return Account.<Account>list("select distinct a from Account a join a.groups g where g = ?1 order by a.email",
                group).stream().filter(Account::mayApprove).map(a -> a.email).toList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> allApprovers() {
        return Account.<Account>list("order by email").stream().filter(Account::mayApprove).map(a -> a.email)
                .toList();
    }
}
