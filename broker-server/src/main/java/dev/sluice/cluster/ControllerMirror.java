package dev.sluice.cluster;

import dev.sluice.admin.ChangeMirror;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.LocalBroker;
import dev.sluice.controller.server.ControllerServer;
import dev.sluice.proto.controller.v1.HeartbeatRequest;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.RegisterBrokerRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone broker's membership in the controller embedded in its process: it registers
 * as the only broker of one broker group (so it leads it), heartbeats, and copies every topic
 * and consumer group change into the controller.
 *
 * <p>The broker's store stays the source of truth for topics and groups (the broker does not
 * read the controller yet), and the controller refuses to change them over its API. Each copy
 * pass computes what the controller lacks ({@link MirrorPlan}), so a pass after a failure or a
 * crash between the two writes repairs everything; a pass that fails is logged as an error and
 * retried every {@link #RETRY_DELAY}, and an admin call whose change it failed to copy fails
 * with the reason.
 *
 * <p>Threading: one thread makes every controller call, in order. A change only queues a pass
 * (at most one is queued; it copies every change made before it starts).
 */
public final class ControllerMirror implements ChangeMirror, AutoCloseable {

    public static final String BROKER_ID = "standalone";
    public static final String BROKER_GROUP = "standalone";
    static final Duration RETRY_DELAY = Duration.ofSeconds(5);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(20);

    private static final Logger log = LoggerFactory.getLogger(ControllerMirror.class);

    /**
     * What a pass could not copy.
     *
     * @param failures   reason per subject whose command the controller refused
     * @param everything set when the pass failed as a whole (e.g. registration), for every subject
     */
    private record PassOutcome(Map<String, String> failures, Optional<String> everything) {
        Optional<String> failureOf(String subject) {
            return everything.or(() -> Optional.ofNullable(failures.get(subject)));
        }

        boolean ok() {
            return failures.isEmpty() && everything.isEmpty();
        }

        @Override
        public String toString() {
            return everything.orElseGet(failures::toString);
        }
    }

    private final ControllerServer controller;
    private final LocalBroker broker;
    private final Duration heartbeatInterval;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "controller-mirror");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final Queue<CompletableFuture<PassOutcome>> waiting = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    // touched by the mirror thread only
    private List<String> endpoints = List.of();
    private boolean registered;
    private boolean heartbeatFailing;
    private boolean lastPassFailed;
    private ScheduledFuture<?> retry;

    /**
     * @param heartbeatInterval well below the controller's heartbeat timeout
     */
    public ControllerMirror(ControllerServer controller, LocalBroker broker, Duration heartbeatInterval) {
        this.controller = controller;
        this.broker = broker;
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * Registers the broker under {@code endpoints} (its RocketMQ gRPC address), starts the
     * heartbeats, copies what the controller lacks and from then on every change.
     */
    public void start(List<String> brokerEndpoints) {
        List<String> copy = List.copyOf(brokerEndpoints);
        thread.execute(() -> endpoints = copy);
        broker.onMetadataChange(this::queuePass);
        queuePass();
        long period = heartbeatInterval.toMillis();
        thread.scheduleWithFixedDelay(this::heartbeat, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void awaitMirrored(String subject) {
        CompletableFuture<PassOutcome> next = new CompletableFuture<>();
        waiting.add(next);
        queuePass();
        PassOutcome outcome;
        try {
            outcome = next.get(AWAIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BrokerException(BrokerError.BUSY, subject + " was changed on the broker, but the embedded "
                    + "controller did not confirm it within " + AWAIT_TIMEOUT.toSeconds() + "s; the server keeps "
                    + "trying (see its log)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(BrokerError.INTERNAL, "interrupted while " + subject + " was copied to the "
                    + "embedded controller");
        } catch (ExecutionException e) {
            throw new BrokerException(BrokerError.BUSY, subject + " was changed on the broker, but the embedded "
                    + "controller did not take it: " + e.getCause().getMessage());
        }
        // BUSY (UNAVAILABLE to the admin client): the broker made the change, the copy is retried
        outcome.failureOf(subject).ifPresent(reason -> {
            throw new BrokerException(BrokerError.BUSY, subject + " was changed on the broker, but the embedded "
                    + "controller did not take the change: " + reason + "; the server retries every "
                    + RETRY_DELAY.toSeconds() + "s (see its log)");
        });
    }

    private void queuePass() {
        if (closed || !passQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(this::pass);
        } catch (RejectedExecutionException stopping) {
            passQueued.set(false);
        }
    }

    /** Copies everything the controller lacks; answers the callers that waited for a pass to start. */
    private void pass() {
        passQueued.set(false);
        List<CompletableFuture<PassOutcome>> answered = new ArrayList<>();
        for (CompletableFuture<PassOutcome> waiter; (waiter = waiting.poll()) != null; ) {
            answered.add(waiter);
        }
        PassOutcome outcome = copyDifferences();
        if (closed) {
            answered.forEach(waiter -> waiter.complete(outcome));
            return;
        }
        if (!outcome.ok()) {
            log.error("The embedded controller did not take every topic and group change: {}; retrying in {}s",
                    outcome, RETRY_DELAY.toSeconds());
            if (retry == null || retry.isDone()) {
                retry = thread.schedule(this::queuePass, RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
        } else if (lastPassFailed) {
            log.info("The embedded controller holds every topic and consumer group again");
        }
        lastPassFailed = !outcome.ok();
        answered.forEach(waiter -> waiter.complete(outcome));
    }

    private PassOutcome copyDifferences() {
        try {
            if (!registered) {
                register();
            }
            MirrorPlan plan = MirrorPlan.between(broker.topics(), broker.groups(), controller.image());
            Map<String, String> failures = new LinkedHashMap<>();
            for (MirrorPlan.Step step : plan.steps()) {
                if (failures.containsKey(step.subject())) {
                    continue;
                }
                try {
                    write(step.command());
                } catch (StatusRuntimeException e) {
                    failures.put(step.subject(), describe(e));
                }
            }
            return new PassOutcome(failures, Optional.empty());
        } catch (StatusRuntimeException e) {
            return new PassOutcome(Map.of(), Optional.of(describe(e)));
        }
    }

    private void heartbeat() {
        try {
            if (registered) {
                write(MetadataCommand.newBuilder()
                        .setHeartbeat(HeartbeatRequest.newBuilder().setBrokerId(BROKER_ID)).build());
            } else {
                register();
            }
            if (heartbeatFailing) {
                log.info("Heartbeats reach the embedded controller again");
            }
            heartbeatFailing = false;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                registered = false;
            }
            if (!heartbeatFailing) {
                log.warn("Heartbeat to the embedded controller failed (logged once until it works again): {}",
                        describe(e));
            }
            heartbeatFailing = true;
        }
    }

    private void register() {
        write(MetadataCommand.newBuilder().setRegisterBroker(RegisterBrokerRequest.newBuilder()
                .setBrokerId(BROKER_ID).setBrokerGroup(BROKER_GROUP).addAllEndpoints(endpoints)).build());
        registered = true;
        log.info("Registered with the embedded controller as broker '{}' of group '{}' at {}", BROKER_ID,
                BROKER_GROUP, endpoints);
    }

    /** Waits for the controller to have started (it starts in the background), then at most {@link #CALL_TIMEOUT}. */
    private void write(MetadataCommand command) {
        try {
            controller.started().get();
            controller.write(command).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw status;
            }
            throw Status.INTERNAL.withDescription(String.valueOf(e.getCause())).withCause(e.getCause())
                    .asRuntimeException();
        } catch (TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED.withDescription("no answer within " + CALL_TIMEOUT.toSeconds() + "s")
                    .asRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        }
    }

    private static String describe(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return e.getStatus().getCode() + (description == null ? "" : ": " + description);
    }

    /** Stops heartbeats and copying; a change not yet copied is copied by the next start's first pass. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CompletableFuture<PassOutcome> waiter; (waiter = waiting.poll()) != null; ) {
            waiter.completeExceptionally(new IllegalStateException("the server is stopping"));
        }
    }
}
