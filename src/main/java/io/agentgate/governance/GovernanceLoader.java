package io.agentgate.governance;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentgate.agent.ApprovalSettings;
import io.agentgate.agent.RiskLevel;
import io.agentgate.common.ProblemMappers;
import io.agentgate.governance.GovernanceFile.AgentSpec;
import io.agentgate.governance.GovernanceFile.PolicySpec;
import io.agentgate.governance.GovernanceFile.UserSpec;
import io.agentgate.policy.DeclarativePolicy;
import io.agentgate.policy.PolicyScope;
import io.agentgate.policy.Severity;
import io.agentgate.policy.builtin.BuiltinOverride;
import io.agentgate.policy.builtin.BuiltinPolicy;
import io.agentgate.policy.expr.CompiledExpression;
import io.agentgate.policy.expr.ExpressionException;
import io.agentgate.policy.expr.Expressions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads, validates and compiles a governance file (shape: {@link GovernanceFile}). All or nothing: the first
 * problem throws a {@link GovernanceFileException} naming the file, the entry and the position (YAML line and
 * column for syntax, unknown keys and bad values; CEL line and column inside the expression for expressions).
 */
public final class GovernanceLoader {

    private static final Set<String> ROLES = Set.of("viewer", "approver", "admin");

    private final ObjectMapper yaml = JsonMapper.builder(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    /** Loads a file; messages name it by its file name. */
    public Governance load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GovernanceFileException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return load(file.getFileName().toString(), text);
    }

    /** Loads YAML text; {@code source} names it in messages. */
    public Governance load(String source, String text) {
        JsonNode tree;
        try {
            tree = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new GovernanceFileException(source + ": " + e.getOriginalMessage() + at(e.getLocation()), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new Governance(source, new GovernanceFile(null, null, null, null, null), List.of());
        }
        GovernanceFile file;
        try {
            file = yaml.readValue(text, GovernanceFile.class);
        } catch (JsonMappingException e) {
            throw new GovernanceFileException(source + ": " + describe(tree, e) + at(locate(text, e)), e);
        } catch (JsonProcessingException e) {
            throw new GovernanceFileException(source + ": " + e.getOriginalMessage() + at(e.getLocation()), e);
        }
        if (file == null) {
            file = new GovernanceFile(null, null, null, null, null);
        }
        Validation v = new Validation(source);
        validateAgents(v, file.agents());
        validateUsers(v, file.users());
        validateBuiltins(v, file.builtins());
        return new Governance(source, file, policies(v, file.policies()));
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * Where the entry the error is about starts. Jackson reports records' errors at the end of the object it
     * buffered, so walk the text again to the error's path and take that key's position.
     */
    private JsonLocation locate(String text, JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer.append('/').append(ref.getFieldName() != null
                    ? ref.getFieldName().replace("~", "~0").replace("/", "~1") : String.valueOf(ref.getIndex()));
        }
        String target = pointer.toString();
        try (JsonParser p = yaml.createParser(text)) {
            while (p.nextToken() != null) {
                if (p.getParsingContext().pathAsPointer().toString().equals(target)) {
                    return p.currentTokenLocation();
                }
            }
        } catch (IOException ignored) {
            // the text parsed a moment ago; fall back to Jackson's own location
        }
        return e.getLocation();
    }

    /** "policy 'x': unknown key 'expresion'" from a databind error and the tree of the same text. */
    private static String describe(JsonNode tree, JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        String subject = "";
        if (path.size() >= 2 && tree != null) {
            String section = path.get(0).getFieldName();
            JsonNode entry = path.get(1).getIndex() >= 0 ? tree.path(section).path(path.get(1).getIndex())
                    : tree.path(section).path(path.get(1).getFieldName());
            subject = subject(section, path.get(1), entry);
        }
        String problem;
        if (e instanceof UnrecognizedPropertyException u) {
            problem = "unknown key '" + u.getPropertyName() + "'"
                    + (u.getKnownPropertyIds() == null ? "" : "; known keys: " + u.getKnownPropertyIds());
        } else {
            String field = path.isEmpty() ? null : path.get(path.size() - 1).getFieldName();
            // the value's own words when it has them, else what JSON was expected: never Java class names
            String message = "has a value that cannot be read here";
            if (e.getCause() instanceof IllegalArgumentException iae && iae.getMessage() != null) {
                message = iae.getMessage();
            } else if (e instanceof InvalidFormatException ife && ife.getTargetType() != null) {
                message = "cannot read " + ProblemMappers.quoted(ife.getValue()) + " as "
                        + ProblemMappers.describe(ife.getTargetType());
            } else if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
                message = "must be " + ProblemMappers.describe(mie.getTargetType());
            }
            problem = (field == null ? "" : "'" + field + "': ") + firstLine(message);
        }
        return subject.isEmpty() ? problem : subject + ": " + problem;
    }

    private static String subject(String section, JsonMappingException.Reference ref, JsonNode entry) {
        String name = switch (section) {
            case "policies", "agents" -> entry.path("name").asText(null);
            case "users" -> entry.path("email").asText(null);
            default -> null;
        };
        String label = switch (section) {
            case "policies" -> "policy";
            case "agents" -> "agent";
            case "users" -> "user";
            case "builtins" -> "built-in";
            case "mcpServers" -> "MCP server";
            default -> section;
        };
        if ("builtins".equals(section) || "mcpServers".equals(section)) {
            return label + " '" + ref.getFieldName() + "'";
        }
        return name != null ? label + " '" + name + "'" : section + "[" + ref.getIndex() + "]";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The agent API's bound (and the column's); precision and scale are counts, so a huge exponent costs nothing. */
    private static boolean fitsLimit(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return (long) stripped.precision() - stripped.scale() <= 15 && stripped.scale() <= 4;
    }

    private void validateAgents(Validation v, List<AgentSpec> agents) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < agents.size(); i++) {
            AgentSpec a = agents.get(i);
            String subject = a.name() == null || a.name().isBlank() ? "agents[" + i + "]" : "agent '" + a.name() + "'";
            v.require(a.name() != null && !a.name().isBlank(), subject, "'name' is required");
            v.require(names.add(a.name()), subject, "duplicate agent name");
            v.require(a.riskLevel() != null, subject, "'riskLevel' is required (one of LOW, MEDIUM, HIGH, CRITICAL)");
            v.require(a.maxTransactionAmount() == null || a.maxTransactionAmount().compareTo(BigDecimal.ZERO) >= 0,
                    subject, "'maxTransactionAmount' must not be negative");
            v.require(a.maxTransactionAmount() == null || fitsLimit(a.maxTransactionAmount()), subject,
                    "'maxTransactionAmount' has at most 15 digits before the decimal point and 4 after it");
            if (a.approval() != null) {
                var ap = a.approval();
                v.require(ap.requiredApprovals() == null || ap.requiredApprovals() >= 1, subject,
                        "'approval.requiredApprovals' must be at least 1");
                v.require(ap.requiredApprovals() == null || ap.approvers() == null || ap.approvers().isEmpty()
                        || ApprovalSettings.namesGroup(ap.approvers())
                        || ap.requiredApprovals() <= ap.approvers().size(), subject,
                        "'approval.requiredApprovals' is more than the number of approvers");
                v.require(ap.timeoutSeconds() == null || ap.timeoutSeconds() > 0, subject,
                        "'approval.timeoutSeconds' must be positive");
                if (ap.rule() != null && !ap.rule().isBlank()) {
                    v.compile(subject + ": approval rule", ap.rule());
                }
            }
        }
    }

    private void validateUsers(Validation v, List<UserSpec> users) {
        Set<String> emails = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            UserSpec u = users.get(i);
            boolean hasEmail = u.email() != null && u.email().contains("@");
            String subject = hasEmail ? "user '" + u.email() + "'" : "users[" + i + "]";
            v.require(hasEmail, subject, "'email' is required and must be an email address");
            v.require(emails.add(u.email().toLowerCase(Locale.ROOT)), subject, "duplicate user email");
            v.require(u.password() != null && !u.password().isBlank(), subject, "'password' is required");
            v.require(u.roles() != null && !u.roles().isEmpty(), subject, "'roles' is required");
            for (String role : u.roles()) {
                v.require(ROLES.contains(role), subject, "unknown role '" + role + "'; roles are " + ROLES);
            }
        }
    }

    private void validateBuiltins(Validation v, Map<String, BuiltinOverride> builtins) {
        for (Map.Entry<String, BuiltinOverride> e : builtins.entrySet()) {
            String subject = "built-in '" + e.getKey() + "'";
            v.require(BuiltinPolicy.NAMES.contains(e.getKey()), subject,
                    "no such built-in policy; built-ins are " + BuiltinPolicy.NAMES);
            v.require(e.getValue() == null || e.getValue().actions() == null
                    || BuiltinPolicy.WITH_ACTION_LIST.contains(e.getKey()), subject, "has no 'actions' setting");
        }
    }

    private List<DeclarativePolicy> policies(Validation v, List<PolicySpec> specs) {
        Set<String> names = new HashSet<>();
        List<DeclarativePolicy> policies = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            PolicySpec p = specs.get(i);
            String subject = p.name() == null || p.name().isBlank() ? "policies[" + i + "]"
                    : "policy '" + p.name() + "'";
            v.require(p.name() != null && !p.name().isBlank(), subject, "'name' is required");
            v.require(names.add(p.name()), subject, "duplicate policy name");
            v.require(!BuiltinPolicy.NAMES.contains(p.name()), subject,
                    "name is taken by a built-in policy (configure it under 'builtins')");
            v.require(p.enforcement() != null, subject, "'enforcement' is required (deny, review or audit)");
            v.require(p.expression() != null && !p.expression().isBlank(), subject, "'expression' is required");
            CompiledExpression expression = v.compile(subject, p.expression());
            List<String> agents = p.scope() == null ? null : p.scope().agents();
            List<RiskLevel> levels = p.scope() == null ? null : p.scope().riskLevels();
            policies.add(new DeclarativePolicy(p.name(), p.description(),
                    p.severity() == null ? Severity.MEDIUM : p.severity(), p.enforcement(),
                    new PolicyScope(agents, levels, List.of()), expression, p.reason()));
        }
        return policies;
    }

    /** Fails on the first problem, with the file and entry in the message. */
    private record Validation(String source) {
        void require(boolean ok, String subject, String problem) {
            if (!ok) {
                throw new GovernanceFileException(source + ": " + subject + ": " + problem, null);
            }
        }

        CompiledExpression compile(String subject, String expression) {
            try {
                return Expressions.compile(expression);
            } catch (ExpressionException e) {
                throw new GovernanceFileException(source + ": " + subject + ": " + e.getMessage(), e);
            }
        }
    }
}
