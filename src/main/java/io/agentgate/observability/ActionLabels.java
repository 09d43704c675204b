package io.agentgate.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code action} label of an agent's action: the first {@code agentgate.metrics.max-actions-per-agent} distinct
 * names each agent uses (since start) are kept, every later one is {@value #OTHER}.
 */
@ApplicationScoped
public class ActionLabels {

    public static final String OTHER = "_other";

    @Inject
    MetricsSettings settings;

    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

    public String label(String agent, String action) {
        Set<String> names = seen.computeIfAbsent(agent, a -> ConcurrentHashMap.newKeySet());
        if (names.contains(action)) {
            return action;
        }
        synchronized (names) {
            if (names.contains(action) || names.size() < settings.maxActionsPerAgent() && names.add(action)) {
                return action;
            }
        }
        return OTHER;
    }
}
