package io.agentgate.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.common.AgentGateConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.jboss.logging.Logger;

/**
 * Optional JSON Lines copy of every committed audit event ({@code agentgate.audit.file-sink.path}), rotated by
 * size into {@code file.1 .. file.N}, for shipping to a log pipeline. The database stays the record of truth.
 */
@ApplicationScoped
public class AuditFileSink {

    private static final Logger LOG = Logger.getLogger(AuditFileSink.class);

    @Inject
    AgentGateConfig config;

    @Inject
    ObjectMapper json;

    private OutputStream out;
    private long size;

    /** Called by {@link AuditLog} after the transaction that appended the event committed. */
    void appended(AuditEvent event) {
        if (config.audit().fileSink().path().isEmpty()) {
            return;
        }
        try {
            byte[] line = json.writeValueAsBytes(AuditRecord.of(event, json));
            write(line);
        } catch (IOException e) {
            LOG.errorf("audit file sink: could not write event #%d: %s", event.seq, e.getMessage());
        }
    }

    private synchronized void write(byte[] line) throws IOException {
        Path file = Path.of(config.audit().fileSink().path().orElseThrow());
        if (out != null && size + line.length + 1 > config.audit().fileSink().maxBytes()) {
            rotate(file);
        }
        if (out == null) {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = Files.size(file);
        }
        out.write(line);
        out.write('\n');
        out.flush();
        size += line.length + 1;
    }

    private void rotate(Path file) throws IOException {
        out.close();
        out = null;
        int keep = Math.max(1, config.audit().fileSink().keep());
        Files.deleteIfExists(Path.of(file + "." + keep));
        for (int i = keep - 1; i >= 1; i--) {
            Path from = Path.of(file + "." + i);
            if (Files.exists(from)) {
                Files.move(from, Path.of(file + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, Path.of(file + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }

    synchronized void close(@Observes ShutdownEvent event) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("audit file sink: close failed", e);
            }
            out = null;
        }
    }
}
