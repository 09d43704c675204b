package io.agentgate.common;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Drives one outbox (mail, callbacks): a pass takes the due rows in batches and hands each id to the delivery,
 * which claims and sends it. Passes run on the outbox's own thread when kicked after a commit (kicks that arrive
 * while one is queued fold into it) and from the caller's thread when polled.
 */
public final class OutboxPump {

    private static final Logger LOG = Logger.getLogger(OutboxPump.class);

    private final String name;
    private final int batch;
    private final IntFunction<List<Long>> due;
    private final UnaryOperator<List<Long>> claim;
    private final LongConsumer deliver;
    private final Runnable afterPass;
    private final AtomicBoolean kicked = new AtomicBoolean();
    // a plain thread: it must not inherit the committing request's (finished) transaction context
    private final ExecutorService thread;

    /**
     * @param due       the ids of up to {@code n} due rows
     * @param claim     takes the rows of a pass at once and returns those this sender got (one commit for all)
     * @param deliver   delivers one claimed row; must handle its own delivery failures
     * @param afterPass runs after each complete pass (e.g. refresh a backlog gauge)
     */
    public OutboxPump(String name, int batch, IntFunction<List<Long>> due, UnaryOperator<List<Long>> claim,
            LongConsumer deliver, Runnable afterPass) {
        this.name = name;
        this.batch = batch;
        this.due = due;
        this.claim = claim;
        this.deliver = deliver;
        this.afterPass = afterPass;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agentgate-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Delivers every due row; a failing pass is logged and the next poll tries again. */
    public void drain() {
        try {
            List<Long> ids;
            do {
                ids = due.apply(batch);
                if (!ids.isEmpty()) {
                    claim.apply(ids).forEach(deliver::accept);
                }
            } while (ids.size() == batch);
            afterPass.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "%s outbox pass failed; the next poll retries", name);
        }
    }

    /** Runs a pass soon on the outbox's thread, off the caller's. */
    public void kick() {
        if (kicked.compareAndSet(false, true)) {
            thread.execute(() -> {
                kicked.set(false);
                drain();
            });
        }
    }

    public void stop() {
        thread.shutdownNow();
    }
}
