package io.agentgate.dashboard;

import io.agentgate.common.DomainException;

/** A list's {@code after} cursor that this list did not write: not ours, damaged, or outside any row's dates. */
public class BadCursor extends DomainException {

    BadCursor() {
        super("The page link's position (after=…) is damaged or was not made by this list. Start again from the "
                + "first page.");
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String slug() {
        return "bad-cursor";
    }

    @Override
    public String title() {
        return "This page link is not valid";
    }
}
