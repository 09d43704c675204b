package io.agentgate.policy.builtin;

import io.agentgate.agent.RiskLevel;
import io.agentgate.policy.ActionContext;
import io.agentgate.policy.Enforcement;
import io.agentgate.policy.Severity;
import io.agentgate.policy.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code business-hours}: listed actions requested outside the window (default 09:00-17:00 UTC, MON-FRI), by
 * default only for HIGH and CRITICAL agents. The time is the action's {@code requestedAt}, or the injected
 * clock's now when absent. The window is [start, end); when end is before start it spans midnight and the day
 * that counts is the day the window opened.
 */
@ApplicationScoped
public class BusinessHoursPolicy implements BuiltinPolicy {

    public static final String NAME = "business-hours";

    public record Settings(CommonSettings common, List<String> actions, ZoneId zone, LocalTime start, LocalTime end,
            Set<DayOfWeek> days) {
        public Settings {
            actions = List.copyOf(actions);
            days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
            if (start.equals(end)) {
                throw new IllegalArgumentException("business-hours start and end must differ");
            }
        }

        public static Settings defaults() {
            return new Settings(CommonSettings.of(Enforcement.DENY, Severity.MEDIUM)
                    .withRiskLevels(List.of(RiskLevel.HIGH, RiskLevel.CRITICAL)),
                    List.of("execute_transaction", "send_contract"), ZoneId.of("UTC"), LocalTime.of(9, 0),
                    LocalTime.of(17, 0), parseDays("MON-FRI"));
        }

        static Settings from(PoliciesConfig.BusinessHours c) {
            return new Settings(PoliciesConfig.common(c), c.actions(), ZoneId.of(c.zone()), LocalTime.parse(c.start()),
                    LocalTime.parse(c.end()), parseDays(String.join(",", c.days())));
        }
    }

    private final Settings settings;
    private final Clock clock;

    @Inject
    public BusinessHoursPolicy(PoliciesConfig config, Clock clock) {
        this(Settings.from(config.businessHours()), clock);
    }

    public BusinessHoursPolicy(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Days as {@code MON-FRI}, {@code MON,WED,FRI}, {@code SAT-SUN} or full names, any case; a range may wrap
     * ({@code FRI-MON}).
     */
    public static Set<DayOfWeek> parseDays(String spec) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                days.add(day(p));
            } else {
                DayOfWeek from = day(p.substring(0, dash));
                DayOfWeek to = day(p.substring(dash + 1));
                for (DayOfWeek d = from;; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            }
        }
        if (days.isEmpty()) {
            throw new IllegalArgumentException("no business days in '" + spec + "'");
        }
        return days;
    }

    private static DayOfWeek day(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().equals(t) || d.name().substring(0, 3).equals(t)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown day '" + text + "'");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Sensitive actions only during business hours (" + window() + ")";
    }

    @Override
    public CommonSettings common() {
        return settings.common();
    }

    @Override
    public List<String> scopeActions() {
        return settings.actions();
    }

    @Override
    public Optional<Violation> check(ActionContext action) {
        if (!settings.actions().contains(action.action())) {
            return Optional.empty();
        }
        Instant at = action.requestedAt() != null ? action.requestedAt() : clock.instant();
        if (within(at.atZone(settings.zone()))) {
            return Optional.empty();
        }
        return Optional.of(settings.common().violation(NAME,
                "Action '" + action.action() + "' requested outside business hours (" + window() + ")"));
    }

    boolean within(ZonedDateTime local) {
        LocalTime time = local.toLocalTime();
        LocalTime start = settings.start();
        LocalTime end = settings.end();
        if (start.isBefore(end)) {
            return !time.isBefore(start) && time.isBefore(end) && settings.days().contains(local.getDayOfWeek());
        }
        // Overnight window: after start counts for today, before end for the day the window opened (yesterday).
        if (!time.isBefore(start)) {
            return settings.days().contains(local.getDayOfWeek());
        }
        return time.isBefore(end) && settings.days().contains(local.getDayOfWeek().minus(1));
    }

    private String window() {
        StringBuilder days = new StringBuilder();
        for (DayOfWeek d : DayOfWeek.values()) {
            if (settings.days().contains(d)) {
                days.append(days.isEmpty() ? "" : ",").append(d.getDisplayName(TextStyle.SHORT, Locale.ROOT)
                        .toUpperCase(Locale.ROOT));
            }
        }
        String dayText = days.toString().equals("MON,TUE,WED,THU,FRI") ? "MON-FRI" : days.toString();
        return settings.start() + "-" + settings.end() + " " + settings.zone().getId() + " " + dayText;
    }

    @Override
    public BuiltinPolicy withOverride(BuiltinOverride override) {
        List<String> actions = override.actions() == null ? settings.actions() : override.actions();
        Settings s = settings;
        return new BusinessHoursPolicy(new Settings(s.common().merge(override), actions, s.zone(), s.start(), s.end(),
                s.days()), clock);
    }
}
