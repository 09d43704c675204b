package io.agentgate.gate;

import io.agentgate.common.DomainException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The write path's group commit: one writer per instance takes whatever work is waiting and commits it in one
 * transaction, so the audit chain head is locked once per batch and the database syncs once for many requests.
 * Each request is completed only after the batch holding it has committed, so an answer is never ahead of the
 * disk. A domain refusal ({@link DomainException}, e.g. a lost decision race) is that request's answer and keeps
 * what its work wrote before refusing (a timeout it found due). Any other failure rolls the batch back; the rest
 * of the batch is then committed without the failing work, which alone gets the error.
 *
 * <p>Work runs on the writer thread inside the batch transaction; it must not wait for anything but the database.
 * After-commit observers of the events it fires run once the batch commits. Work may leave something to be done once
 * per batch at its end ({@link #atBatchEnd}: a counter written once for many requests), which may ask for the whole
 * batch to run again ({@link Retry}).
 */
@ApplicationScoped
public class ActionWriter {

    private static final Logger LOG = Logger.getLogger(ActionWriter.class);
    /** Bounds one transaction's size (and so a commit's latency); the rest waits for the next batch. */
    static final int MAX_BATCH = 256;
    private static final Item<?> STOP = new Item<>(() -> null, null);
    /** How often one batch may ask to run again ({@link Retry}) before its items are committed one by one. */
    static final int MAX_RETRIES = 4;

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry registry;

    private final LinkedBlockingQueue<Item<?>> queue = new LinkedBlockingQueue<>();
    /** The running batch's end work ({@link #atBatchEnd}), per thread that commits (the writer, or a caller before it). */
    private final ThreadLocal<List<Runnable>> batchEnd = new ThreadLocal<>();
    private volatile Thread thread;
    private DistributionSummary batchSizes;

    /** One request's work, its future, and the Vert.x context to complete it on (null off the event loop). */
    private static final class Item<T> {
        final Supplier<T> work;
        final Context context;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        RuntimeException refusal;

        Item(Supplier<T> work, Context context) {
            this.work = work;
            this.context = context;
        }

        void run() {
            try {
                result = work.get();
                refusal = null;
            } catch (DomainException e) {
                result = null;
                refusal = e;
            }
        }

        void complete() {
            if (refusal != null) {
                finish(() -> done.completeExceptionally(refusal));
            } else {
                finish(() -> done.complete(result));
            }
        }

        void fail(Throwable error) {
            finish(() -> done.completeExceptionally(error));
        }

        private void finish(Runnable completion) {
            if (context != null) {
                context.runOnContext(v -> completion.run());
            } else {
                completion.run();
            }
        }
    }

    /**
     * Thrown by batch-end work ({@link #atBatchEnd}) that found the batch's assumptions stale (a counter another
     * instance moved): the batch is rolled back and run again, whole. The thrower must have learnt what makes the
     * next run succeed, so a batch asks again only a few times ({@value #MAX_RETRIES}), then goes item by item.
     */
    public static final class Retry extends RuntimeException {
        public Retry(String message) {
            super(message, null, false, false);
        }
    }

    /** A batch failed because of one item's work; the others are innocent. */
    private static final class ItemFailed extends RuntimeException {
        final Item<?> item;

        ItemFailed(Item<?> item, RuntimeException cause) {
            super(cause);
            this.item = item;
        }
    }

    void start(@Observes @Priority(1) StartupEvent event) {
        batchSizes = DistributionSummary.builder("agentgate_write_batch_size")
                .description("Requests committed together in one transaction by the writer")
                .register(registry);
        Thread t = new Thread(this::loop, "agentgate-writer");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = thread;
        if (t != null) {
            queue.add(STOP);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Queues work for the next batch. The stage completes after that batch commits: with the work's result, its
     * domain refusal, or the error that made it fail. Completed on the caller's Vert.x context when there is one.
     */
    public <T> CompletionStage<T> submit(Supplier<T> work) {
        return enqueue(work, Vertx.currentContext());
    }

    private <T> CompletableFuture<T> enqueue(Supplier<T> work, Context context) {
        if (Thread.currentThread() == thread) {
            // work that queues more work (a decision that casts a vote): it joins the batch it is part of
            try {
                return CompletableFuture.completedFuture(work.get());
            } catch (DomainException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Item<T> item = new Item<>(work, context);
        if (thread == null) {
            // before start-up (or in a unit without the writer): run it alone, in the caller's thread
            commit(List.of(item));
        } else {
            queue.add(item);
        }
        return item.done;
    }

    /**
     * Runs {@code work} once at the end of the batch whose work is running now, in its transaction, after its last item
     * and before the commit (so before the audit chain head is locked): lets work done per item be written once per
     * batch. It may throw {@link Retry}. Only from work that runs in a batch.
     */
    public void atBatchEnd(Runnable work) {
        List<Runnable> end = batchEnd.get();
        if (end == null) {
            throw new IllegalStateException("atBatchEnd outside a writer batch");
        }
        end.add(work);
    }

    /** Waits for {@link #submit}; for callers on worker threads (never on the event loop). */
    public <T> T call(Supplier<T> work) {
        // completed on the writer thread: the caller blocks for it, no event loop needs to hand it over
        CompletableFuture<T> done = enqueue(work, null);
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void loop() {
        List<Item<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                Item<?> first = queue.take();
                if (first == STOP) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.remove(STOP);
                commit(batch);
                batchSizes.record(batch.size());
                batch.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("writer: unexpected failure; the batch's requests got it as their error", e);
                batch.forEach(i -> i.fail(e));
                batch.clear();
            }
        }
    }

    /** Commits the items' work in one transaction; isolates a failing item and commits the rest without it. */
    private void commit(List<Item<?>> items) {
        List<Item<?>> todo = items;
        int retries = 0;
        while (!todo.isEmpty()) {
            List<Item<?>> current = todo;
            try {
                inTransaction(current);
                current.forEach(Item::complete);
                return;
            } catch (Retry r) {
                if (++retries <= MAX_RETRIES) {
                    LOG.debugf("writer: batch of %d runs again: %s", current.size(), r.getMessage());
                    continue;
                }
                if (current.size() == 1) {
                    current.get(0).fail(r);
                    return;
                }
                for (Item<?> item : current) {
                    commit(List.of(item));
                }
                return;
            } catch (ItemFailed f) {
                f.item.fail(f.getCause());
                todo = new ArrayList<>(current);
                todo.remove(f.item);
            } catch (RuntimeException e) {
                // the commit itself failed: nothing of the batch is stored; find the culprit by committing alone
                if (current.size() == 1) {
                    current.get(0).fail(e);
                    return;
                }
                LOG.debugf(e, "writer: batch of %d failed at commit; committing its items one by one", current.size());
                for (Item<?> item : current) {
                    commit(List.of(item));
                }
                return;
            }
        }
    }

    private void inTransaction(List<Item<?>> items) {
        ManagedContext requestContext = Arc.container().requestContext();
        boolean activated = !requestContext.isActive();
        if (activated) {
            requestContext.activate();
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<Runnable> end = new ArrayList<>();
                batchEnd.set(end);
                for (Item<?> item : items) {
                    try {
                        item.run();
                        if (item.refusal != null && QuarkusTransaction.isRollbackOnly()) {
                            // a refusal that doomed the transaction (an intercepted method rolled back): it alone goes
                            throw new ItemFailed(item, item.refusal);
                        }
                        // each item's writes reach the database now, so a failure is pinned on its item
                        em.flush();
                        em.clear();
                    } catch (ItemFailed e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new ItemFailed(item, e);
                    }
                }
                batchEnd.remove();
                for (Runnable work : end) {
                    work.run();
                }
                em.flush();
            });
        } finally {
            batchEnd.remove();
            if (activated) {
                requestContext.terminate();
            }
        }
    }
}
