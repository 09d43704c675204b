package io.agentgate.common;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.Components;

/** The OpenAPI document's header and the bearer scheme used by both the admin and the agent API. */
@OpenAPIDefinition(
        info = @Info(title = "AgentGate API", version = "v1",
                description = "Governance gate for AI agents: register agents, submit actions, wait for decisions.",
                license = @License(name = "Apache-2.0", identifier = "Apache-2.0")),
        components = @Components(securitySchemes = @SecurityScheme(securitySchemeName = "bearer",
                type = SecuritySchemeType.HTTP, scheme = "bearer",
                description = "The admin token (agentgate.admin-token) or an agent's API key (agk_...)")))
public class ApiDefinition extends Application {
}
