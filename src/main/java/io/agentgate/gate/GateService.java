package io.agentgate.gate;

import io.agentgate.agent.AgentProfile;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.Conflict;
import io.agentgate.common.DomainException;
import io.agentgate.common.NotFound;
import io.agentgate.policy.Violation;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * The action state machine. Every transition out of PENDING is one conditional UPDATE guarded by
 * {@code status = 'PENDING'}; the database picks the single winner and everyone else gets a 409.
 */
@ApplicationScoped
public class GateService {

    private static final Logger LOG = Logger.getLogger(GateService.class);
    private static final String SYSTEM = "system";

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    Event<ActionDecided> decided;

    @Inject
    ActionWriter writer;

    @Inject
    ActionQueries queries;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;




    /**
     * Locks a pending action's row for the rest of the transaction, so votes on it are counted one transaction at a
     * time (no write skew between two approvers). Throws {@link ActionNotPending} when it is no longer pending; an
     * overdue one is timed out in this transaction first, so callers declare {@code dontRollbackOn} for it.
     */
    @Transactional(value = Transactional.TxType.MANDATORY, dontRollbackOn = DomainException.class)
    public PendingAction lockPending(UUID id) {
        return lockPending(id, null);
    }

    /**
     * As {@link #lockPending(UUID)}, with the action's violations as the caller already read them (they never change
     * after submission; null: read them here).
     */
    @Transactional(value = Transactional.TxType.MANDATORY, dontRollbackOn = DomainException.class)
    public PendingAction lockPending(UUID id, List<Violation> violations) {
        Action action = Action.<Action>findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> notFound(id));
        Instant now = now();
        if (action.status == ActionStatus.PENDING && !action.deadline.isAfter(now)) {
            expireNow(id);
            Action.getEntityManager().refresh(action);
        }
        if (action.status != ActionStatus.PENDING) {
            throw ActionNotPending.of(action);
        }
        // the lock stays with the transaction; the entity goes, so later reads see the conditional UPDATE's result
        Action.getEntityManager().detach(action);
        ActionDetail detail = ActionDetail.of(action, violations != null ? violations : ActionViolation.forAction(id));
        return new PendingAction(action.id, action.agentName, action.approvers, action.requiredApprovals,
                action.deadline, action.userId, now, detail, action.callbackUrl);
    }

    /**
     * Adds approvers to an action locked by {@link #lockPending} (escalation): they vote like those named at
     * submission; the quorum stays. Returns the approvers the action has now.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> addApprovers(PendingAction locked, List<String> more) {
        Action action = Action.findById(locked.id());
        LinkedHashSet<String> all = new LinkedHashSet<>(action.approvers);
        more.stream().map(String::strip).filter(m -> all.stream().noneMatch(m::equalsIgnoreCase)).forEach(all::add);
        action.approvers = List.copyOf(all);
        return action.approvers;
    }

    /** Ends an action locked by {@link #lockPending} with a person's decision (the quorum was met, or a reject). */
    @Transactional(Transactional.TxType.MANDATORY)
    public ActionView conclude(PendingAction locked, ActionStatus decision, String decidedBy, String comment) {
        if (!decision.isPersonsDecision()) {
            throw new IllegalArgumentException("a person decides APPROVED or REJECTED, not " + decision);
        }
        return transition(locked, decision, decidedBy, comment, null);
    }

    /**
     * Approves an action locked by {@link #lockPending} with the tool arguments an approver changed them to (approve
     * with edits): they are stored beside the submitted ones, which stay as they were, and the decided event records
     * both and who edited them.
     *
     * @param edit the JSON object text to run instead of the submitted arguments, and who set it
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ActionView approveEdited(PendingAction locked, String decidedBy, String comment, ToolArgsChange edit) {
        return transition(locked, ActionStatus.APPROVED, decidedBy, comment, edit);
    }

    /** Tool arguments an approver changed: the JSON object text to run instead, and who changed them (audit). */
    public record ToolArgsChange(String toolArgs, String editedBy) {
    }


    /** The agent withdraws its own pending action; through the writer, answered after the commit. */
    public CompletionStage<ActionView> cancel(UUID id, AgentProfile agent) {
        return writer.submit(() -> transition(id, agent.id(), ActionStatus.CANCELLED, "agent:" + agent.name(), null,
                AuditLog.CANCELLED, now(), null));
    }

    /**
     * Fails a pending action closed once its deadline has passed (through the writer; blocking). Returns false when
     * it was not (or no longer) pending and overdue.
     */
    public boolean expire(UUID id) {
        return writer.call(() -> expireNow(id));
    }

    /** {@link #expire} in the caller's transaction. */
    private boolean expireNow(UUID id) {
        Instant now = now();
        int updated = Action.update("status = ?1, decidedAt = ?2, decidedBy = ?3 "
                + "where id = ?4 and status = ?5 and deadline <= ?2",
                ActionStatus.TIMED_OUT, now, SYSTEM, id, ActionStatus.PENDING);
        if (updated == 0) {
            return false;
        }
        ActionView view = queries.load(id);
        audit.record(AuditLog.TIMED_OUT, view.agent(), id, SYSTEM, Map.of("deadline", view.deadline()));
        decided.fire(new ActionDecided(view));
        LOG.infof("action %s timed out (deadline %s)", id, view.deadline());
        return true;
    }

    /**
     * A person's decision on a locked action: the conditional UPDATE, then the result built from the locked row (no
     * one else can have changed it), so the write step reads the action once, when it locks it.
     */
    private ActionView transition(PendingAction locked, ActionStatus to, String by, String comment,
            ToolArgsChange edit) {
        update(locked.id(), null, to, by, comment, locked.now(), edit);
        ActionDetail after = locked.detail().decided(to, locked.now(), by, comment,
                edit == null ? null : edit.toolArgs());
        ActionView view = after.view();
        decided(view, AuditLog.DECIDED, by, comment, locked.now(), edit);
        decided.fire(new ActionDecided(view, locked.callbackUrl(), true));
        LOG.infof("action %s %s by %s", view.id(), to, by);
        return view;
    }

    private ActionView transition(UUID id, UUID agentId, ActionStatus to, String by, String comment, String event,
            Instant now, ToolArgsChange edit) {
        update(id, agentId, to, by, comment, now, edit);
        ActionView view = queries.load(id);
        decided(view, event, by, comment, now, edit);
        decided.fire(new ActionDecided(view));
        LOG.infof("action %s %s by %s", id, to, by);
        return view;
    }

    /** The transition itself: one conditional UPDATE guarded by the expected status; the loser gets the refusal. */
    private void update(UUID id, UUID agentId, ActionStatus to, String by, String comment, Instant now,
            ToolArgsChange edit) {
        String scope = agentId == null ? "" : " and agentId = :agent";
        Parameters params = Parameters.with("to", to).and("now", now).and("by", by).and("comment", comment)
                .and("id", id).and("pending", ActionStatus.PENDING);
        if (agentId != null) {
            params = params.and("agent", agentId);
        }
        String set = "status = :to, decidedAt = :now, decidedBy = :by, comment = :comment";
        if (edit != null) {
            set += ", approvedToolArgs = :args";
            params = params.and("args", edit.toolArgs());
        }
        int updated = Action.update(set + " where id = :id and status = :pending and deadline > :now" + scope, params);
        if (updated == 0) {
            throw refusal(id, agentId);
        }
    }

    /** The audit event of a transition. */
    private void decided(ActionView view, String event, String by, String comment, Instant now, ToolArgsChange edit) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("decision", view.status());
        details.put("comment", comment);
        details.put("latencyMs", Duration.between(view.createdAt(), now).toMillis());
        if (edit != null) {
            // the export's toolArgs of this event is what runs; the submitted ones and the editor beside it
            details.put("toolArgs", rawJson(view.toolArgs()));
            details.put("originalToolArgs", rawJson(view.originalToolArgs()));
            details.put("toolArgsEditedBy", edit.editedBy());
        }
        audit.record(event, view.agent(), view.id(), by, details);
    }

    /** Why a transition found nothing to update: unknown, not this agent's, overdue, or already decided. */
    private RuntimeException refusal(UUID id, UUID agentId) {
        Action current = Action.<Action>findByIdOptional(id)
                .filter(a -> agentId == null || a.agentId.equals(agentId))
                .orElse(null);
        if (current == null) {
            return notFound(id);
        }
        if (current.status == ActionStatus.PENDING) {
            // past its deadline but not yet swept: fail it closed now; the refusal keeps this write
            expireNow(id);
            Action.getEntityManager().refresh(current);
        }
        return ActionNotPending.of(current);
    }

    /** Records the outcome the agent reports for an action it was allowed to take, once (through the writer). */
    public CompletionStage<Void> recordResult(UUID id, AgentProfile agent, ResultRequest result) {
        return writer.submit(() -> {
            storeResult(id, agent, result);
            return null;
        });
    }

    private void storeResult(UUID id, AgentProfile agent, ResultRequest result) {
        Instant now = now();
        int updated = Action.update("resultAt = ?1 where id = ?2 and agentId = ?3 and resultAt is null "
                + "and status in ?4", now, id, agent.id(), List.of(ActionStatus.ALLOWED, ActionStatus.APPROVED));
        if (updated == 0) {
            Action current = Action.<Action>find("id = ?1 and agentId = ?2", id, agent.id()).firstResultOptional()
                    .orElseThrow(() -> notFound(id));
            String detail = current.resultAt != null
                    ? "A result for action " + id + " was already recorded at " + current.resultAt
                    : "Action " + id + " is " + current.status + ": only ALLOWED or APPROVED actions have a result";
            throw new Conflict("result-not-accepted", "Result not accepted", detail,
                    Map.of("actionId", id, "currentStatus", current.status));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("result", result.result());
        details.put("durationMs", result.durationMs());
        details.put("model", result.model());
        details.put("inputTokens", result.inputTokens());
        details.put("outputTokens", result.outputTokens());
        Action action = Action.findById(id);
        details.put("action", action.action);
        details.put("sessionId", action.sessionId);
        details.put("userId", action.userId);
        details.put("toolName", action.toolName);
        audit.record(AuditLog.RESULT, agent.name(), id, "agent:" + agent.name(), details);
    }







    /** JSON object text as a tree, so the audit details hold it as JSON rather than as a quoted string. */
    private com.fasterxml.jackson.databind.JsonNode rawJson(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored tool arguments are not JSON", e);
        }
    }

    /** The database keeps microseconds; so does every instant we hand out, so answers match stored rows. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static NotFound notFound(UUID id) {
        return ActionQueries.notFound(id);
    }

}
