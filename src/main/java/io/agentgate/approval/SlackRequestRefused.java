package io.agentgate.approval;

import io.agentgate.common.DomainException;

/** A request to {@code /slack/interactions} without a genuine, fresh Slack signature: nothing is read or stored. */
public class SlackRequestRefused extends DomainException {

    SlackRequestRefused(String detail) {
        super(detail);
    }

    @Override
    public int status() {
        return 401;
    }

    @Override
    public String slug() {
        return "slack-signature";
    }

    @Override
    public String title() {
        return "Not a genuine Slack request";
    }
}
