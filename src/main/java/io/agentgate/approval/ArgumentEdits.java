package io.agentgate.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.agentgate.agent.AgentService;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.NotFound;
import io.agentgate.gate.ActionDetail;
import io.agentgate.gate.ActionQueries;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Evaluation;
import io.agentgate.policy.Outcome;
import io.agentgate.policy.PolicyEngine;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Approve with edits: an approver's replacement for an action's tool arguments, checked before any vote counts it.
 * The edit must be a JSON object of at most {@link #MAX_CHARS} characters, and is evaluated by every policy as if
 * the agent had submitted it: same agent (its profile as of now), action, tool, user, session and request time, and
 * already admitted by the rate limit. The context the policies see carries the edited arguments
 * ({@link #editedContext}): they are what will run, whether or not the agent's context was the arguments themselves.
 * A deny refuses the edit ({@link EditRefused}); a review is what is happening now, so it is accepted and kept in the
 * vote's audit event.
 */
@ApplicationScoped
public class ArgumentEdits {

    /** The longest edit, as compact JSON. */
    public static final int MAX_CHARS = 256 * 1024;
    /** The form and API field of an edit. */
    public static final String FIELD = "toolArgs";

    @Inject
    ObjectMapper json;

    @Inject
    PolicyEngine engine;

    @Inject
    AgentService agents;

    @Inject
    ActionQueries queries;

    /**
     * An edit the policies accept.
     *
     * @param toolArgs   the edited arguments, compact JSON
     * @param submitted  the arguments as the agent submitted them, compact JSON
     * @param violations what the policies said about the edit (empty when it equals the submitted arguments, which
     *                   were evaluated at submission)
     */
    public record Edit(String toolArgs, String submitted, List<Violation> violations) {
    }

    /** The tool arguments an approver sees on a pending or decided action: the ones to approve, and any edit. */
    public record Shown(String submitted, String current, String editedBy, Instant editedAt) {

        public boolean edited() {
            return editedBy != null;
        }
    }

    /** Form text to a JSON object; blank is no edit (null). Anything else that is not an object is refused. */
    public ObjectNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > 4 * MAX_CHARS) {
            throw tooLong(text.length());
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new InvalidRequest(FIELD, "is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidRequest(FIELD, "must be a JSON object ({...}), not " + kind(node));
        }
        return object;
    }

    /**
     * Checks an edit of a pending action's tool arguments against the size bound and every policy.
     *
     * @throws InvalidRequest when it is too long, or the action has no tool arguments to replace
     * @throws EditRefused    when a deny policy refuses it
     * @throws EditUncheckable when the action's agent no longer exists
     */
    @Transactional
    public Edit review(UUID actionId, ObjectNode edited) {
        ActionDetail action = queries.detail(actionId);
        AgentProfile agent;
        try {
            agent = agents.get(action.agent()).profile();
        } catch (NotFound e) {
            agent = null;
        }
        return review(action, agent, edited);
    }

    /**
     * As {@link #review(UUID, ObjectNode)}, on what a decision's read step saw ({@code agent} null: the agent no longer
     * exists); reads nothing.
     */
    Edit review(ActionDetail action, AgentProfile agent, ObjectNode edited) {
        UUID actionId = action.id();
        String text = compact(edited);
        if (text.length() > MAX_CHARS) {
            throw tooLong(text.length());
        }
        if (action.toolArgs() == null) {
            throw new InvalidRequest(FIELD, "this action has no tool arguments to replace");
        }
        ObjectNode submitted = object(action.toolArgs());
        if (submitted.equals(edited)) {
            return new Edit(text, compact(submitted), List.of());
        }
        if (agent == null) {
            throw new EditUncheckable(actionId, action.agent());
        }
        Evaluation evaluation = engine.evaluate(new ActionContext(agent, action.view().action(),
                editedContext(object(action.context()), submitted, edited), action.toolName(), edited,
                action.userId(), action.sessionId(), action.view().createdAt(), Boolean.TRUE));
        if (evaluation.outcome() == Outcome.DENIED) {
            throw new EditRefused(actionId, evaluation.violations());
        }
        return new Edit(text, compact(submitted), evaluation.violations());
    }

    /**
     * The context the policies see for an edit: the submitted context with the edited arguments written over it, key
     * by top-level key (a key the edit removed from the submitted arguments is removed), so a policy reading
     * {@code context.amount} sees the amount that will run. When the context is the arguments, this is the edit.
     */
    static ObjectNode editedContext(ObjectNode context, ObjectNode submitted, ObjectNode edited) {
        ObjectNode seen = context.deepCopy();
        submitted.fieldNames().forEachRemaining(key -> {
            if (!edited.has(key)) {
                seen.remove(key);
            }
        });
        seen.setAll(edited.deepCopy());
        return seen;
    }

    /** What the pages show: the submitted arguments, the ones to approve (an edit in force or the approved edit). */
    @Transactional
    public Optional<Shown> shown(UUID actionId) {
        ActionDetail action = queries.detail(actionId);
        return action.toolArgs() == null ? Optional.empty() : shown(action, Vote.latestEdit(actionId));
    }

    /** As {@link #shown(UUID)}, from the action and the latest vote that edited its arguments; reads nothing. */
    static Optional<Shown> shown(ActionDetail action, Optional<Vote> latestEdit) {
        if (action.toolArgs() == null) {
            return Optional.empty();
        }
        if (action.approvedToolArgs() != null) {
            Vote editor = latestEdit.orElse(null);
            return Optional.of(new Shown(action.toolArgs(), action.approvedToolArgs(),
                    editor == null ? action.view().decidedBy() : editor.approver,
                    editor == null ? action.view().decidedAt() : editor.votedAt));
        }
        return Optional.of(latestEdit.filter(v -> !action.status().isTerminal())
                .map(v -> new Shown(action.toolArgs(), v.toolArgs, v.approver, v.votedAt))
                .orElse(new Shown(action.toolArgs(), action.toolArgs(), null, null)));
    }

    /** Whether two JSON texts are the same JSON value (key order and spacing aside). */
    boolean same(String a, String b) {
        return a == null ? b == null : b != null && tree(a).equals(tree(b));
    }

    /** JSON text as a tree, for audit details that hold it as JSON rather than as a quoted string. */
    JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tool arguments are not JSON", e);
        }
    }

    private ObjectNode object(String text) {
        return tree(text) instanceof ObjectNode o ? o : json.createObjectNode();
    }

    private String compact(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InvalidRequest tooLong(int length) {
        return new InvalidRequest(FIELD, "must be at most " + MAX_CHARS + " characters of JSON; this edit has "
                + length);
    }

    private static String kind(JsonNode node) {
        return node.isArray() ? "an array" : node.isTextual() ? "a string" : node.isNumber() ? "a number"
                : node.isBoolean() ? "a boolean" : node.isNull() ? "null" : "another JSON value";
    }
}
