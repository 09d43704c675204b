package io.agentgate.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.gate.ActionStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The approver's direct message in Block Kit: the same facts as the approver mail (agent, action, the reasons in the
 * mail's words, deadline, quorum, context), with Approve, Approve for 1 hour and Reject buttons while the action is
 * pending, and the outcome instead once it ended. Agent-supplied text is escaped as Slack asks ({@code & < >}), so it
 * cannot mention people or make links.
 */
final class SlackBlocks {

    /** The buttons' action ids; the button's value is the action id. */
    static final String APPROVE = "approve";
    static final String APPROVE_FOR_HOUR = "approve_for_1h";
    static final String REJECT = "reject";

    private static final int MAX_TEXT = 2900;
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private SlackBlocks() {
    }

    /** The notification text (shown where blocks are not: notifications, screen readers). */
    static String text(ApprovalSummary a) {
        return escape("Approval needed: " + a.action() + " by " + a.agent() + " (" + a.quorum() + ")");
    }

    /** The message while the action waits: facts and buttons. */
    static ArrayNode request(ApprovalSummary a, String dashboardUrl, ObjectMapper json) {
        ArrayNode blocks = facts(a, json);
        ArrayNode buttons = json.createArrayNode();
        buttons.add(button(json, "Approve", APPROVE, a, "primary"));
        buttons.add(button(json, "Approve for 1 hour", APPROVE_FOR_HOUR, a, null));
        buttons.add(button(json, "Reject", REJECT, a, "danger"));
        buttons.add(json.createObjectNode().put("type", "button").put("action_id", "open_dashboard")
                .put("url", dashboardUrl).set("text", plain(json, "On the dashboard")));
        blocks.addObject().put("type", "actions").put("block_id", "decision").set("elements", buttons);
        blocks.add(context(json, "Approve for 1 hour also lets " + a.agent() + " repeat exactly this call ("
                + a.action() + ", the same arguments) for one hour without asking; revoke it on the Grants page."));
        return blocks;
    }

    /**
     * The message after this approver's vote or the action's end: the facts and where it stands, no buttons.
     *
     * @param own this approver's vote, null when they cast none
     */
    static ArrayNode state(ApprovalSummary a, Vote own, ObjectMapper json) {
        ArrayNode blocks = facts(a, json);
        String stand = a.pending() ? "*Still pending* (" + a.quorum() + ")." : "*The action was " + a.outcome() + ".*";
        if (own != null) {
            stand = "You voted " + (own.decision == ActionStatus.APPROVED ? "approve" : "reject") + " at "
                    + UTC.format(own.votedAt) + " (" + own.channel.name().toLowerCase() + "). " + stand;
        }
        blocks.add(section(json, escape(stand)));
        return blocks;
    }

    private static ArrayNode facts(ApprovalSummary a, ObjectMapper json) {
        ArrayNode blocks = json.createArrayNode();
        blocks.addObject().put("type", "header").set("text", plain(json, cut("Approval needed: " + a.action()
                + " by " + a.agent(), 150)));
        blocks.add(section(json, "*" + escape(a.agentDisplayName()) + "* (" + escape(a.agent()) + ", risk "
                + a.riskLevel() + ") asks to run *" + escape(a.action()) + "*"
                + (a.toolName() == null ? "" : " via " + escape(a.toolName())) + ".\n*Deadline:* " + a.deadlineUtc()
                + " (" + a.deadlineRelative() + ")\n*Approvals:* " + a.quorum() + "\n*Action id:* " + a.id()));
        if (!a.why().isEmpty()) {
            StringBuilder why = new StringBuilder("*Why it needs approval:*");
            for (ApprovalSummary.Why w : a.why()) {
                why.append("\n- ").append(escape(w.text())).append(" (").append(escape(w.policy())).append(", ")
                        .append(w.severity()).append(')');
            }
            blocks.add(section(json, cut(why.toString(), MAX_TEXT)));
        }
        String shown = a.toolArgs() != null ? a.toolArgs() : a.context();
        blocks.add(section(json, "*" + (a.toolArgs() != null ? "Tool arguments" : "Context") + ":*\n```"
                + cut(escape(shown), MAX_TEXT - 40) + "```"));
        return blocks;
    }

    private static ObjectNode button(ObjectMapper json, String label, String actionId, ApprovalSummary a,
            String style) {
        ObjectNode button = json.createObjectNode().put("type", "button").put("action_id", actionId)
                .put("value", a.id().toString());
        button.set("text", plain(json, label));
        if (style != null) {
            button.put("style", style);
        }
        return button;
    }

    private static ObjectNode section(ObjectMapper json, String mrkdwn) {
        ObjectNode text = json.createObjectNode().put("type", "mrkdwn").put("text", mrkdwn);
        return json.createObjectNode().put("type", "section").set("text", text);
    }

    private static ObjectNode context(ObjectMapper json, String words) {
        ObjectNode block = json.createObjectNode().put("type", "context");
        block.putArray("elements").addObject().put("type", "mrkdwn").put("text", escape(words));
        return block;
    }

    private static ObjectNode plain(ObjectMapper json, String text) {
        return json.createObjectNode().put("type", "plain_text").put("text", text).put("emoji", false);
    }

    /** Slack's escaping of the three control characters of its markup. */
    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
