package io.agentgate.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.audit.AuditLog;
import io.agentgate.common.InvalidRequest;
import io.agentgate.common.Jdbc;
import io.agentgate.common.NotFound;
import io.agentgate.common.Problem;
import io.agentgate.gate.ActionWriter;
import io.agentgate.gate.CallbackTargets;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The upstream MCP servers: registration (admin API, governance file), stored in {@code mcp_server}, and one live
 * {@link Upstream} per row whose tools {@link GatewayTools} shows to agents. Every instance re-reads the table on its
 * refresh tick, so a registration made on another instance reaches this one within the refresh interval.
 */
@ApplicationScoped
public class UpstreamRegistry {

    private static final Logger LOG = Logger.getLogger(UpstreamRegistry.class);
    static final Pattern NAME = Pattern.compile("[a-z0-9]{1,40}");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    private static final Pattern HEADER_VALUE = Pattern.compile("[^\\p{Cntrl}]{0,8192}");
    /** Headers the MCP transport sets itself. */
    private static final Set<String> RESERVED = Set.of("host", "connection", "content-length", "content-type",
            "accept", "expect", "upgrade", "transfer-encoding", "mcp-session-id", "mcp-protocol-version",
            "last-event-id");
    static final String REGISTERED = "mcp.server.registered";
    static final String REMOVED = "mcp.server.removed";

    @Inject
    McpSettings settings;

    @Inject
    ActionWriter writer;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    @Inject
    GatewayTools tools;

    @Inject
    Vertx vertx;

    private final ConcurrentHashMap<String, Upstream> live = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent event) {
        if (!Jdbc.exists(dataSource, "SELECT 1 FROM mcp_server FETCH FIRST 1 ROWS ONLY")) {
            return; // none registered yet (the registry is read again when one is)
        }
        // off the start-up thread: an unreachable upstream must not delay (or fail) the start
        Thread start = new Thread(this::sync, "agentgate-mcp-start");
        start.setDaemon(true);
        start.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        live.values().forEach(Upstream::close);
        live.clear();
    }

    @Scheduled(every = "${agentgate.mcp.refresh-interval:5M}", delayed = "${agentgate.mcp.refresh-interval:5M}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshAll() {
        sync();
    }

    /** Brings the live upstreams in line with the table and reads every tool list again; blocking. */
    void sync() {
        Map<String, UpstreamServer> rows = new LinkedHashMap<>();
        for (UpstreamServer row : rows()) {
            rows.put(row.name, row);
        }
        for (String name : List.copyOf(live.keySet())) {
            if (!rows.containsKey(name)) {
                withdraw(name);
            }
        }
        rows.values().forEach(row -> activate(row.name, row.url, headersOf(row)).refresh()
                .exceptionally(error -> null));
    }

    /** The live upstream of that name, if registered. */
    Optional<Upstream> upstream(String name) {
        return Optional.ofNullable(live.get(name));
    }

    /** Checks a registration made by the API: the URL's host must resolve now. */
    public void check(String name, UpstreamRequest request) {
        check(name, request, true);
    }

    /**
     * Checks a registration; the problems as an {@link InvalidRequest} naming the fields. The governance file may
     * name a host that does not resolve yet (an upstream that starts later): it is checked again before every
     * connection, like every URL.
     */
    public void check(String name, UpstreamRequest request, boolean mustResolve) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequest("name", "must be 1-40 lower-case letters or digits ([a-z0-9]+)");
        }
        if (request == null) {
            throw new InvalidRequest("url", "must not be blank");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request.url() == null || request.url().isBlank()) {
            errors.add(new Problem.FieldError("url", "must not be blank"));
        } else {
            String refusal = CallbackTargets.refusal(request.url(), settings.allowPrivate());
            if (refusal != null && (mustResolve || !refusal.endsWith("does not resolve"))) {
                errors.add(new Problem.FieldError("url", refusal.replace("agentgate.webhooks.allow-private",
                        "agentgate.mcp.allow-private")));
            }
        }
        if (request.headersOrNone().size() > 32) {
            errors.add(new Problem.FieldError("headers", "at most 32 headers"));
        }
        HttpRequest.Builder probe = HttpRequest.newBuilder();
        request.headersOrNone().forEach((header, value) -> {
            String field = "headers." + header;
            if (!HEADER_NAME.matcher(header).matches()) {
                errors.add(new Problem.FieldError(field, "is not a valid header name"));
            } else if (RESERVED.contains(header.toLowerCase(Locale.ROOT))) {
                errors.add(new Problem.FieldError(field, "is set by the MCP transport itself"));
            } else if (value == null || !HEADER_VALUE.matcher(value).matches()) {
                errors.add(new Problem.FieldError(field, "must be one line of at most 8192 characters"));
            } else {
                try {
                    probe.header(header, value);
                } catch (IllegalArgumentException e) {
                    errors.add(new Problem.FieldError(field, "cannot be set: " + e.getMessage()));
                }
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
    }

    /**
     * Registers or replaces an upstream, then connects and lists its tools (waiting up to the upstream timeout; an
     * unreachable upstream stays registered and says why). Returns whether it was new, and its view.
     */
    public Registered put(String name, UpstreamRequest request, String actor, String source) {
        boolean created = store(name, request, actor, source);
        Upstream upstream = activate(name, request.url(), new TreeMap<>(request.headersOrNone()));
        try {
            upstream.refresh().get(settings.upstreamTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debugf("mcp: upstream %s registered but not reachable yet: %s", name, upstream.problem());
        }
        return new Registered(created, view(name).orElseThrow());
    }

    /**
     * Applies the governance file's {@code mcpServers}: each is registered (source GOVERNANCE) and connected in the
     * background; upstreams an earlier version of the file registered and this one no longer lists are removed.
     * The caller checked every entry with {@link #check} first.
     */
    public void applyGovernance(Map<String, UpstreamRequest> servers, String actor) {
        servers.forEach((name, request) -> {
            store(name, request, actor, UpstreamServer.GOVERNANCE);
            activate(name, request.url(), new TreeMap<>(request.headersOrNone())).refresh()
                    .exceptionally(error -> null);
        });
        for (UpstreamServer row : rows()) {
            if (UpstreamServer.GOVERNANCE.equals(row.source) && !servers.containsKey(row.name)) {
                remove(row.name, actor);
            }
        }
    }

    private boolean store(String name, UpstreamRequest request, String actor, String source) {
        check(name, request, UpstreamServer.API.equals(source));
        Map<String, String> headers = new TreeMap<>(request.headersOrNone());
        String headerJson = write(headers);
        return writer.call(() -> {
            var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            UpstreamServer row = UpstreamServer.findById(name);
            boolean fresh = row == null;
            if (fresh) {
                row = new UpstreamServer();
                row.name = name;
                row.createdAt = now;
            }
            row.url = request.url();
            row.headers = headerJson;
            row.source = source;
            row.updatedAt = now;
            row.updatedBy = actor;
            if (fresh) {
                row.persist();
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("server", name);
            details.put("url", request.url());
            details.put("headers", List.copyOf(headers.keySet()));
            details.put("source", source);
            details.put("created", fresh);
            audit.record(REGISTERED, null, null, actor, details);
            return fresh;
        });
    }

    /** The answer to a registration. */
    public record Registered(boolean created, UpstreamView view) {
    }

    /** Removes an upstream: its tools disappear from every agent's list at once. */
    public void remove(String name, String actor) {
        boolean removed = writer.call(() -> {
            UpstreamServer row = UpstreamServer.findById(name);
            if (row == null) {
                return false;
            }
            row.delete();
            audit.record(REMOVED, null, null, actor, Map.of("server", name, "url", row.url));
            return true;
        });
        withdraw(name);
        if (!removed) {
            throw new NotFound("No MCP server " + name);
        }
    }

    /** Every registered upstream, by name. */
    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<UpstreamView> list() {
        return rows().stream().sorted(Comparator.comparing(r -> r.name)).map(this::view).toList();
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<UpstreamView> view(String name) {
        return UpstreamServer.<UpstreamServer>findByIdOptional(name).map(this::view);
    }

    @ActivateRequestContext
    @Transactional(Transactional.TxType.SUPPORTS)
    List<UpstreamServer> rows() {
        return UpstreamServer.listAll();
    }

    private UpstreamView view(UpstreamServer row) {
        Upstream upstream = live.get(row.name);
        String problem = upstream == null ? "not connected yet" : upstream.problem();
        return new UpstreamView(row.name, row.url, List.copyOf(headersOf(row).keySet()), row.source,
                problem == null, problem, tools.exposed(row.name), row.createdAt, row.updatedAt, row.updatedBy);
    }

    /** The live upstream for this registration: kept when nothing changed, else a new one replaces the old. */
    private Upstream activate(String name, String url, Map<String, String> headers) {
        Upstream[] replaced = new Upstream[1];
        Upstream current = live.compute(name, (n, held) -> {
            if (held != null && held.sameAs(url, headers)) {
                return held;
            }
            replaced[0] = held;
            return new Upstream(n, url, headers, settings, tools::publish, vertx, CallbackTargets.HostLookup.SYSTEM);
        });
        if (replaced[0] != null) {
            replaced[0].close();
        }
        return current;
    }

    private void withdraw(String name) {
        Upstream gone = live.remove(name);
        tools.withdraw(name);
        if (gone != null) {
            gone.close();
        }
    }

    private Map<String, String> headersOf(UpstreamServer row) {
        try {
            return json.readValue(row.headers, new TypeReference<TreeMap<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mcp_server " + row.name + " has unreadable headers", e);
        }
    }

    private String write(Map<String, String> headers) {
        try {
            return json.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
