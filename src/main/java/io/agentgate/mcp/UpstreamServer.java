package io.agentgate.mcp;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered upstream MCP server. Only {@link UpstreamRegistry} writes it, through the writer. */
@Entity
@Table(name = "mcp_server")
public class UpstreamServer extends PanacheEntityBase {

    /** Registered by {@code PUT /api/v1/mcp/servers/{name}}. */
    static final String API = "API";
    /** Listed under {@code mcpServers} in the governance file. */
    static final String GOVERNANCE = "GOVERNANCE";

    @Id
    public String name;

    public String url;

    /** JSON object of extra request headers; the API never shows their values. */
    public String headers;

    public String source;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "updated_by")
    public String updatedBy;
}
