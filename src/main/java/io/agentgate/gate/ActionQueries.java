package io.agentgate.gate;

import io.agentgate.common.DomainException;
import io.agentgate.common.NotFound;
import io.agentgate.policy.Violation;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reading actions: the agent's view, details for approvers, the admin list, and what timers and gauges need. */
@ApplicationScoped
public class ActionQueries {

    @Inject
    Clock clock;

    /** The action as its agent may see it; another agent's action does not exist. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public ActionView viewForAgent(UUID id, UUID agentId) {
        Action action = Action.<Action>find("id = ?1 and agentId = ?2", id, agentId).firstResultOptional()
                .orElseThrow(() -> notFound(id));
        return ActionView.of(action, ActionViolation.forAction(id));
    }

    /** The action's committed state, read in a transaction of its own so no cached row is returned. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public ActionView view(UUID id) {
        return load(id);
    }

    /** The action in the current transaction (the state machine reads its result back with it). */
    ActionView load(UUID id) {
        Action action = Action.<Action>findByIdOptional(id).orElseThrow(() -> notFound(id));
        return ActionView.of(action, ActionViolation.forAction(id));
    }

    /** The action with its context and approvers, in the caller's transaction if there is one. */
    @ActivateRequestContext
    @Transactional(dontRollbackOn = DomainException.class)
    public ActionDetail detail(UUID id) {
        Action action = Action.<Action>findByIdOptional(id).orElseThrow(() -> notFound(id));
        return ActionDetail.of(action, ActionViolation.forAction(id));
    }

    /**
     * The JSON text of the tool arguments to run for this action: the ones an approver edited when approving,
     * otherwise the ones the agent submitted; empty when the action has none.
     */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> toolArgsToRun(UUID id) {
        Action action = Action.<Action>findByIdOptional(id).orElseThrow(() -> notFound(id));
        return Optional.ofNullable(action.toolArgs);
    }

    /** Actions newest first, optionally by status and agent name; rows {@code first..first+count-1}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ActionView> list(ActionStatus status, String agentName, int first, int count) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (status != null) {
            where.append(" and status = :status");
            params = params.and("status", status);
        }
        if (agentName != null) {
            where.append(" and agentName = :agent");
            params = params.and("agent", agentName);
        }
        List<Action> actions = Action.<Action>find(where + " order by createdAt desc, id desc", params)
                .range(first, first + count - 1).list();
        Map<UUID, List<Violation>> violations = ActionViolation.forActions(actions.stream().map(a -> a.id).toList());
        List<ActionView> views = new ArrayList<>(actions.size());
        for (Action a : actions) {
            views.add(ActionView.of(a, violations.getOrDefault(a.id, List.of())));
        }
        return views;
    }

    /** Ids of pending actions whose deadline has passed, oldest first. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<UUID> overdue(int limit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Action.<Action>find("status = ?1 and deadline <= ?2 order by deadline", ActionStatus.PENDING, now)
                .page(Page.ofSize(limit)).project(IdOnly.class).list().stream().map(IdOnly::id).toList();
    }

    /** Ids and deadlines of every pending action, for re-arming timers after a start. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PendingDeadline> pendingDeadlines() {
        return Action.find("status", ActionStatus.PENDING).project(PendingDeadline.class).list();
    }

    /** Which of these actions are no longer pending (another instance decided them), read in one query. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<UUID> decidedAmong(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return Action.<Action>find("id in ?1 and status <> ?2", ids, ActionStatus.PENDING).project(IdOnly.class)
                .list().stream().map(IdOnly::id).toList();
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public long countPending() {
        return Action.count("status", ActionStatus.PENDING);
    }

    /** Projection of an action's id. */
    public record IdOnly(UUID id) {
    }

    /** Projection of a pending action's timer data. */
    public record PendingDeadline(UUID id, Instant deadline) {
    }

    static NotFound notFound(UUID id) {
        return new NotFound("No action " + id);
    }
}
