package io.agentgate.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentgate.agent.AgentProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The methods of the tasks extension on {@code /mcp}: {@code tasks/get}, {@code tasks/update} and {@code tasks/cancel},
 * answered here for the agent whose key came with the request, whatever MCP session (of whatever instance) it names:
 * a task lives in the database and belongs to its agent, not to a session. Errors as the specification says: -32021
 * when the request does not declare the extension, -32602 for an unknown task (or another agent's), -32601 for
 * methods the extension does not have ({@code tasks/result}, {@code tasks/list}).
 */
@ApplicationScoped
public class TaskMethods {

    private static final Logger LOG = Logger.getLogger(TaskMethods.class);
    static final int MISSING_CAPABILITY = -32021;

    @Inject
    McpTasks tasks;

    @Inject
    ObjectMapper json;

    /** Whether the POSTed message is a request of the tasks extension; if so it is answered here. */
    boolean answered(RoutingContext ctx, AgentProfile agent) {
        Buffer body = ctx.body().buffer();
        if (body == null || !body.toString(StandardCharsets.UTF_8).contains("tasks/")) {
            return false;
        }
        JsonObject message;
        try {
            message = new JsonObject(body);
        } catch (RuntimeException notAnObject) {
            return false; // a batch, or no JSON: the MCP server answers it
        }
        if (!(message.getValue("method") instanceof String method) || !method.startsWith("tasks/")) {
            return false;
        }
        Object id = message.getValue("id");
        if (id == null) {
            ctx.response().setStatusCode(202).end(); // a notification: nothing to answer
            return true;
        }
        JsonObject params = message.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        if (!McpTasks.declared(params.getValue("_meta") instanceof JsonObject meta ? meta : null)) {
            JsonObject required = new JsonObject().put("requiredCapabilities", new JsonObject().put("extensions",
                    new JsonObject().put(McpTasks.EXTENSION, new JsonObject())));
            error(ctx, id, MISSING_CAPABILITY, "Missing required client capability: declare the extension "
                    + McpTasks.EXTENSION + " in params._meta[\"" + McpTasks.CLIENT_CAPABILITIES + "\"].extensions",
                    required);
            return true;
        }
        if (!method.equals("tasks/get") && !method.equals("tasks/update") && !method.equals("tasks/cancel")) {
            error(ctx, id, -32601, "Method not found: " + method, null);
            return true;
        }
        if (!(params.getValue("taskId") instanceof String taskId)) {
            error(ctx, id, -32602, "Invalid params: taskId (a string) is required", null);
            return true;
        }
        Gateway.blocking(() -> switch (method) {
            case "tasks/get" -> tasks.get(taskId, agent);
            case "tasks/update" -> tasks.known(taskId, agent) ? Optional.of(ack()) : Optional.<ObjectNode>empty();
            default -> tasks.cancel(taskId, agent) ? Optional.of(ack()) : Optional.<ObjectNode>empty();
        }).whenComplete((answer, failure) -> {
            if (failure != null) {
                LOG.errorf(failure, "mcp: %s of %s failed", method, agent.name());
                error(ctx, id, -32603, "Internal error: AgentGate could not answer " + method, null);
            } else if (answer.isEmpty()) {
                error(ctx, id, -32602, "Failed to retrieve task: Task not found", null);
            } else {
                ObjectNode result = answer.get();
                result.put("resultType", "complete");
                JsonObject reply = new JsonObject().put("jsonrpc", "2.0").put("id", id)
                        .put("result", new JsonObject(result.toString()));
                send(ctx, reply);
            }
        });
        return true;
    }

    private ObjectNode ack() {
        return json.createObjectNode();
    }

    private static void error(RoutingContext ctx, Object id, int code, String message, JsonObject data) {
        JsonObject error = new JsonObject().put("code", code).put("message", message);
        if (data != null) {
            error.put("data", data);
        }
        send(ctx, new JsonObject().put("jsonrpc", "2.0").put("id", id).put("error", error));
    }

    private static void send(RoutingContext ctx, JsonObject reply) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Cache-Control", "no-store").end(reply.toBuffer());
    }
}
