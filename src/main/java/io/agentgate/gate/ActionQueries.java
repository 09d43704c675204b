package io.agentgate.gate;

import io.agentgate.common.DomainException;
import io.agentgate.common.Jdbc;
import io.agentgate.common.NotFound;
import io.agentgate.policy.Violation;
import io.agroal.api.AgroalDataSource;
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

    @Inject
    AgroalDataSource dataSource;

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
     * The JSON text of the tool arguments to run for an action that may run: an approver's edit when it was approved
     * with one, otherwise the arguments as submitted. Empty when there is no such action, when it is not ALLOWED or
     * APPROVED (nothing may run: pending, denied, rejected, timed out, cancelled), or when it carries no tool
     * arguments. Read from the committed state in a transaction of its own.
     */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<String> toolArgsToRun(UUID id) {
        return Action.<Action>find("id", id).project(ToolArgsRow.class).firstResultOptional()
                .filter(a -> a.status() == ActionStatus.ALLOWED || a.status() == ActionStatus.APPROVED)
                .map(a -> a.approvedToolArgs() != null ? a.approvedToolArgs() : a.toolArgs());
    }

    /** Projection of what {@link #toolArgsToRun} reads. */
    public record ToolArgsRow(ActionStatus status, String toolArgs, String approvedToolArgs) {
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
    public List<UUID> overdue(int limit) {
        return pendingDeadlines(clock.instant(), limit).stream().map(ActionReads.Deadline::id).toList();
    }

    /**
     * Ids and deadlines of the pending actions due before {@code until}, soonest first, at most {@code limit}. Plain
     * JDBC, like {@link #countPending}: the sweep and the gauge run every few seconds from the start, and an idle
     * instance then never loads the ORM's query engine for them.
     */
    public List<ActionReads.Deadline> pendingDeadlines(Instant until, int limit) {
        return Jdbc.withConnection(dataSource, "action query",
                c -> ActionReads.pendingDue(c, until.truncatedTo(ChronoUnit.MICROS), limit));
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

    public long countPending() {
        return Jdbc.withConnection(dataSource, "action query", c -> ActionReads.count(c, ActionStatus.PENDING));
    }

    /** Projection of an action's id. */
    public record IdOnly(UUID id) {
    }

    static NotFound notFound(UUID id) {
        return new NotFound("No action " + id);
    }
}
