package io.agentgate.gate;

import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A violation as stored, linked to the action it objected to. */
@Entity
@Table(name = "violation")
public class ActionViolation extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "action_id")
    public UUID actionId;

    @Column(name = "agent_name")
    public String agentName;

    public String policy;

    @Enumerated(EnumType.STRING)
    public Severity severity;

    @Enumerated(EnumType.STRING)
    public Enforcement enforcement;

    public String reason;

    @Column(name = "created_at")
    public Instant createdAt;

    public Violation toViolation() {
        return new Violation(policy, severity, enforcement, reason);
    }

    public static List<Violation> forAction(UUID actionId) {
        return ActionViolation.<ActionViolation>list("actionId = ?1 order by id", actionId).stream()
                .map(ActionViolation::toViolation).toList();
    }

    /** How many violations were recorded for an agent, per policy (most first). */
    public static Map<String, Long> countsByPolicy(String agentName) {
        Map<String, Long> counts = new LinkedHashMap<>();
        getEntityManager().createQuery("select v.policy, count(v) from ActionViolation v where v.agentName = :agent "
                + "group by v.policy order by count(v) desc, v.policy", Object[].class)
                .setParameter("agent", agentName).getResultList()
                .forEach(row -> counts.put((String) row[0], (Long) row[1]));
        return counts;
    }

    /** Violations of many actions in one query, keyed by action id (for lists, no N+1). */
    public static Map<UUID, List<Violation>> forActions(Collection<UUID> actionIds) {
        Map<UUID, List<Violation>> byAction = new LinkedHashMap<>();
        if (actionIds.isEmpty()) {
            return byAction;
        }
        ActionViolation.<ActionViolation>list("actionId in ?1 order by id", actionIds).forEach(v ->
                byAction.computeIfAbsent(v.actionId, k -> new ArrayList<>()).add(v.toViolation()));
        return byAction;
    }
}
