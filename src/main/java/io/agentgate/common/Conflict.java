package io.agentgate.common;

import java.util.Map;

/** The request conflicts with the current state (a name taken, a decision already made). */
public class Conflict extends DomainException {

    private final String slug;
    private final String title;
    private final Map<String, Object> extensions;

    public Conflict(String slug, String title, String detail, Map<String, Object> extensions) {
        super(detail);
        this.slug = slug;
        this.title = title;
        this.extensions = extensions;
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String slug() {
        return slug;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Map<String, Object> extensions() {
        return extensions;
    }
}
