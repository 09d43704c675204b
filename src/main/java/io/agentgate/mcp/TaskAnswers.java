package io.agentgate.mcp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkiverse.mcp.server.MetaKey;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Writes a {@code tools/call} answer that carries a CreateTaskResult ({@link McpTasks#CARRIER} in its {@code _meta})
 * as that CreateTaskResult ({@code resultType: "task"}, the Task's fields) instead of a CallToolResult: the MCP server
 * sends a tool's answer through this application's ObjectMapper, and its tool handlers can only return a
 * {@link ToolResponse}. Every other answer is written as before.
 */
@Singleton
public class TaskAnswers implements ObjectMapperCustomizer {

    private static final MetaKey CARRIER = MetaKey.from(McpTasks.CARRIER);

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("agentgate-mcp-task-answers");
        module.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            @SuppressWarnings("unchecked")
            public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean,
                    JsonSerializer<?> serializer) {
                return bean.getBeanClass() == ToolResponse.class
                        ? new TaskOrResult((JsonSerializer<Object>) serializer) : serializer;
            }
        });
        mapper.registerModule(module);
    }

    /** The CreateTaskResult when the answer carries one, else the answer as the MCP server writes it. */
    static final class TaskOrResult extends StdSerializer<Object> implements ResolvableSerializer,
            ContextualSerializer {

        private final transient JsonSerializer<Object> usual;

        TaskOrResult(JsonSerializer<Object> usual) {
            super(Object.class);
            this.usual = usual;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            Object task = value instanceof ToolResponse r && r._meta() != null ? r._meta().get(CARRIER) : null;
            if (task != null) {
                provider.defaultSerializeValue(task, gen);
            } else {
                usual.serialize(value, gen, provider);
            }
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (usual instanceof ResolvableSerializer resolvable) {
                resolvable.resolve(provider);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
                throws JsonMappingException {
            if (usual instanceof ContextualSerializer contextual) {
                return new TaskOrResult((JsonSerializer<Object>) contextual.createContextual(provider, property));
            }
            return this;
        }
    }
}
