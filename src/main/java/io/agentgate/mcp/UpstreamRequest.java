package io.agentgate.mcp;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of {@code PUT /api/v1/mcp/servers/{name}} and an entry of {@code mcpServers} in the governance file.
 *
 * @param url     the upstream's Streamable HTTP endpoint, e.g. {@code https://tools.example.com/mcp}
 * @param headers extra request headers sent with every request to it (its own credentials, for instance)
 */
public record UpstreamRequest(
        @NotBlank @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String url,
        @Size(max = 32) Map<String, String> headers) {

    public Map<String, String> headersOrNone() {
        return headers == null ? Map.of() : headers;
    }
}
