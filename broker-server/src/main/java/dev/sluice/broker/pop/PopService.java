package dev.sluice.broker.pop;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.Delivery;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.QueueLag;
import dev.sluice.broker.ReceiveRequest;
import dev.sluice.broker.history.DeliveryHistory;
import dev.sluice.store.MessageStore;
import dev.sluice.store.RetentionGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming side of a broker: pops with long polling, acks, invisible-time changes,
 * renewal of deliveries to live clients and release of a departed client's deliveries.
 */
public final class PopService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PopService.class);
    /** Renew an auto-renewed delivery when it would become visible within this time. */
    private static final long RENEW_AHEAD_MILLIS = 10_000;
    /** Wait before retrying a dead-letter move whose write failed. */
    private static final long DEAD_LETTER_RETRY_MILLIS = 5_000;

    /** How often delivery events of messages retention deleted are dropped (retention itself checks every few seconds). */
    private static final long HISTORY_TRIM_SECONDS = 60;

    private final MessageStore store;
    private final BrokerConfig config;
    private final DeliveryHistory history;
    private final ConsumerProgress progress;
    private final ToIntFunction<String> topicQueues;
    private final Function<String, GroupConfig> groups;
    private final DeadLetterSink deadLetters;
    private final GroupCounters counters = new GroupCounters();
    private final ScheduledExecutorService timer;
    private final ExecutorService pollWorker;
    private final LongPolling longPolling;
    private final AtomicInteger queueRotation = new AtomicInteger();

    /**
     * @param topicQueues queues of a topic (0 if it does not exist), asked on every pop so
     *                   topic updates take effect at once
     * @param groups      the settings of a consumer group, asked on every pop for the same reason
     */
    public PopService(MessageStore store, BrokerConfig config, DeliveryHistory history,
                      ToIntFunction<String> topicQueues, Function<String, GroupConfig> groups,
                      DeadLetterSink deadLetters) {
        this.store = store;
        this.config = config;
        this.groups = groups;
        this.deadLetters = deadLetters;
        this.history = history;
        this.progress = new ConsumerProgress(store, store.kv(), history);
        this.topicQueues = topicQueues;
        ScheduledThreadPoolExecutor timerThread = new ScheduledThreadPoolExecutor(1, daemon("sluice-pop-timer"));
        // a receive answered before its long-polling timeout cancels the timeout: drop it from the queue
        timerThread.setRemoveOnCancelPolicy(true);
        this.timer = timerThread;
        this.pollWorker = Executors.newSingleThreadExecutor(daemon("sluice-long-polling"));
        this.longPolling = new LongPolling(this::popNow, pollWorker, timer);
        store.addDispatchListener((topic, queueId, next) -> longPolling.wake(topic));
        timer.scheduleWithFixedDelay(this::renewAll, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::trimHistory, HISTORY_TRIM_SECONDS, HISTORY_TRIM_SECONDS, TimeUnit.SECONDS);
        for (QueueConsumerState state : progress.all()) {
            if (state.nextDeadline() != Long.MAX_VALUE) {
                longPolling.wakeAt(state.key().topic(), state.nextDeadline());
            }
        }
    }

    public CompletableFuture<List<Delivery>> receive(ReceiveRequest request) {
        if (!request.autoRenew()) {
            checkInvisible(request.invisibleDuration());
        }
        List<Delivery> now = popNow(request);
        if (!now.isEmpty() || request.pollTimeout().isZero() || request.pollTimeout().isNegative()) {
            return CompletableFuture.completedFuture(now);
        }
        return longPolling.park(request);
    }

    private void checkInvisible(Duration invisible) {
        if (invisible == null || invisible.compareTo(config.minInvisible()) < 0
                || invisible.compareTo(config.maxInvisible()) > 0) {
            throw new BrokerException(BrokerError.ILLEGAL_INVISIBLE_TIME, "invisible duration must be between "
                    + config.minInvisible() + " and " + config.maxInvisible() + ", got " + invisible);
        }
    }

    private List<Delivery> popNow(ReceiveRequest request) {
        int queues = topicQueues.applyAsInt(request.topic());
        if (queues == 0) {
            return List.of();
        }
        GroupConfig group = groups.apply(request.group());
        long now = System.currentTimeMillis();
        String attemptId = request.attemptId() == null ? "" : request.attemptId();
        PopRequest pop = request.autoRenew()
                ? new PopRequest(request.batchSize(), request.filter(), config.autoRenewInvisible().toMillis(),
                        now + config.maxAutoRenew().toMillis(), request.clientId(), group.maxDeliveryAttempts(),
                        group.fifo(), group.retryPolicy(), attemptId)
                : new PopRequest(request.batchSize(), request.filter(), request.invisibleDuration().toMillis(), 0,
                        request.clientId(), group.maxDeliveryAttempts(), group.fifo(), group.retryPolicy(), attemptId);
        List<Delivery> deliveries = new ArrayList<>();
        int start = request.queueId() >= 0 ? request.queueId() : Math.floorMod(queueRotation.getAndIncrement(), queues);
        int scan = request.queueId() >= 0 ? 1 : queues;
        long earliestDeadline = Long.MAX_VALUE;
        for (int i = 0; i < scan && deliveries.size() < request.batchSize(); i++) {
            QueueConsumerState state = progress.get(new QueueKey(request.group(), request.topic(), (start + i) % queues));
            PopResult result = state.pop(pop.withMax(request.batchSize() - deliveries.size()), now);
            for (Claim claim : result.claims()) {
                deliveries.add(new Delivery(claim.message(), claim.handle().encode(), claim.delivery().attempt(),
                        claim.delivery().deadline()));
                earliestDeadline = Math.min(earliestDeadline, claim.delivery().deadline());
                if (claim.delivery().attempt() > 1) {
                    counters.of(request.group()).redeliveries().increment();
                }
            }
            result.deadLetters().forEach(letter -> moveToDeadLetters(state, letter));
            earliestDeadline = Math.min(earliestDeadline, result.backoffEnds());
        }
        if (earliestDeadline != Long.MAX_VALUE) {
            longPolling.wakeAt(request.topic(), earliestDeadline);
        }
        return deliveries;
    }

    private CompletableFuture<Void> moveToDeadLetters(QueueConsumerState state, DeadLetter letter) {
        String group = state.key().group();
        return deadLetters.deadLetter(letter.message(), group, letter.attempts(), letter.reason())
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        state.deadLettered(letter, System.currentTimeMillis());
                        counters.of(group).deadLettered().increment();
                        wakeIfFifo(group, state.key().topic());
                        return;
                    }
                    log.warn("moving message {} of topic '{}' to the dead-letter queue of '{}' failed; retrying in {} ms",
                            letter.message().record().messageId(), state.key().topic(), group,
                            DEAD_LETTER_RETRY_MILLIS, error);
                    long retryAt = System.currentTimeMillis() + DEAD_LETTER_RETRY_MILLIS;
                    state.deadLetterFailed(letter, retryAt);
                    longPolling.wakeAt(state.key().topic(), retryAt);
                });
    }

    /** The consumer gave up on a message (FIFO after its local retries): move it to the DLQ now. */
    public CompletableFuture<Void> forwardToDeadLetter(String group, String topic, String receiptHandle, String reason) {
        ReceiptHandle handle = ReceiptHandle.decode(receiptHandle);
        QueueConsumerState state = stateFor(group, topic, handle);
        DeadLetter letter = state.forwardToDeadLetter(handle, System.currentTimeMillis(), reason);
        return moveToDeadLetters(state, letter);
    }

    public CompletableFuture<Void> ack(String group, String topic, String receiptHandle) {
        ReceiptHandle handle = ReceiptHandle.decode(receiptHandle);
        CompletableFuture<Void> durable = stateFor(group, topic, handle).ack(handle, System.currentTimeMillis());
        wakeIfFifo(group, topic);
        return durable;
    }

    /**
     * A FIFO group's message group stays blocked while its head is in flight; once the head is
     * acked or dead-lettered the next message is ready, so parked receives must not wait for their
     * long-polling timeout to get it.
     */
    private void wakeIfFifo(String group, String topic) {
        if (groups.apply(group).fifo()) {
            longPolling.wake(topic);
        }
    }

    public String changeInvisibleDuration(String group, String topic, String receiptHandle, Duration invisible,
                                          boolean suspend) {
        if (invisible == null || invisible.isNegative() || invisible.compareTo(config.maxInvisible()) > 0) {
            throw new BrokerException(BrokerError.ILLEGAL_INVISIBLE_TIME, "invisible duration must be between 0 and "
                    + config.maxInvisible() + ", got " + invisible);
        }
        ReceiptHandle handle = ReceiptHandle.decode(receiptHandle);
        long deadline = stateFor(group, topic, handle).changeInvisible(handle, System.currentTimeMillis(),
                invisible.toMillis(), suspend);
        if (!suspend) {
            counters.of(group).nacks().increment();
        }
        longPolling.wakeAt(topic, deadline);
        return receiptHandle;
    }

    private QueueConsumerState stateFor(String group, String topic, ReceiptHandle handle) {
        QueueConsumerState state = progress.find(new QueueKey(group, topic, handle.queueId()));
        if (state == null) {
            throw ReceiptHandle.invalid("no delivery of topic '" + topic + "' to group '" + group
                    + "' matches this receipt handle");
        }
        return state;
    }

    public void clientGone(String clientId) {
        long now = System.currentTimeMillis();
        for (QueueConsumerState state : progress.all()) {
            if (state.release(clientId, now)) {
                counters.of(state.key().group()).releases().increment();
                longPolling.wake(state.key().topic());
            }
        }
    }

    private void renewAll() {
        long now = System.currentTimeMillis();
        try {
            for (QueueConsumerState state : progress.all()) {
                state.renewDue(now, RENEW_AHEAD_MILLIS, config.autoRenewInvisible().toMillis());
            }
        } catch (RuntimeException e) {
            log.error("renewing invisible time of in-flight messages failed; will retry in 1 s", e);
        }
    }

    /** Every queue some group read has history; retention may have deleted its oldest messages. */
    private void trimHistory() {
        try {
            for (QueueConsumerState state : progress.all()) {
                QueueKey queue = state.key();
                history.trimBefore(queue.topic(), queue.queueId(), store.firstOffset(queue.topic(), queue.queueId()));
            }
        } catch (RuntimeException e) {
            log.error("dropping the delivery history of deleted messages failed; will retry in {} s",
                    HISTORY_TRIM_SECONDS, e);
        }
    }

    /**
     * Backlog per queue of every topic the group reads. A queue the group never touched counts
     * from the oldest stored message, where its first receive will start.
     */
    public List<QueueLag> lag(String group) {
        Set<String> topics = new TreeSet<>();
        progress.all().forEach(s -> {
            if (s.key().group().equals(group)) {
                topics.add(s.key().topic());
            }
        });
        List<QueueLag> lags = new ArrayList<>();
        for (String topic : topics) {
            for (int queueId = 0; queueId < topicQueues.applyAsInt(topic); queueId++) {
                QueueConsumerState state = progress.find(new QueueKey(group, topic, queueId));
                long acked = state == null ? store.firstOffset(topic, queueId) : state.frontier();
                lags.add(new QueueLag(topic, queueId, acked, store.nextOffset(topic, queueId),
                        state == null ? 0 : state.inFlight()));
            }
        }
        return lags;
    }

    /**
     * The lowest offset of each queue some group has not consumed yet (Long.MAX_VALUE where no
     * group reads), gathered in one pass over consumer progress.
     */
    public RetentionGuard neededOffsets() {
        Map<String, Long> lowest = new HashMap<>();
        for (QueueConsumerState state : progress.all()) {
            lowest.merge(state.key().topic() + '\0' + state.key().queueId(), state.frontier(), Math::min);
        }
        return (topic, queueId) -> lowest.getOrDefault(topic + '\0' + queueId, Long.MAX_VALUE);
    }

    public void forgetTopic(String topic) {
        progress.forget(key -> key.topic().equals(topic));
    }

    public GroupCounters counters() {
        return counters;
    }

    public void forgetGroup(String group) {
        progress.forget(key -> key.group().equals(group));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pollWorker.shutdown();
        try {
            if (!pollWorker.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("long-polling worker did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        longPolling.close();
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
