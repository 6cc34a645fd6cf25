package dev.sluice.metrics;

import dev.sluice.broker.Broker;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.QueueLag;
import dev.sluice.broker.TopicConfig;
import dev.sluice.broker.pop.GroupCounters;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueEntry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * What the broker and its store hold, as gauges: consumer lag, in-flight and ready messages and
 * lag time per (topic, group), redelivery and dead-letter counts per group, pending timers and
 * unresolved transactions per topic, transaction outcomes, disk use and commit log flush time. Per-queue values are summed to the topic: labels stay bounded by the number
 * of topics and groups. {@link #refresh()} recomputes the per-group rows; the HTTP endpoint
 * calls it before each scrape so a scrape always sees current values.
 */
public final class BrokerGauges {

    private final Broker broker;
    private final MessageStore store;
    private final MeterRegistry registry;
    private final MultiGauge lagMessages;
    private final MultiGauge inflightMessages;
    private final MultiGauge readyMessages;
    private final MultiGauge lagLatency;
    private final MultiGauge pendingTimers;
    private final MultiGauge unresolvedTransactions;
    private final Set<String> countedGroups = ConcurrentHashMap.newKeySet();

    public BrokerGauges(Broker broker, MessageStore store, MeterRegistry registry) {
        this.broker = broker;
        this.store = store;
        this.registry = registry;
        lagMessages = MultiGauge.builder("rocketmq.consumer.lag.messages")
                .description("Messages of the topic the group has not consumed yet").register(registry);
        inflightMessages = MultiGauge.builder("rocketmq.consumer.inflight.messages")
                .description("Messages delivered to the group and not yet acked").register(registry);
        readyMessages = MultiGauge.builder("rocketmq.consumer.ready.messages")
                .description("Messages ready to be delivered to the group").register(registry);
        lagLatency = MultiGauge.builder("rocketmq.consumer.lag.latency")
                .description("Age in milliseconds of the oldest message the group has not consumed").register(registry);
        pendingTimers = MultiGauge.builder("sluice.timers.pending")
                .description("Scheduled messages not yet due").register(registry);
        unresolvedTransactions = MultiGauge.builder("sluice.transactions.unresolved")
                .description("Half messages waiting for their producer's commit or rollback").register(registry);
        FunctionCounter.builder("sluice.transactions", broker, b -> b.transactionStats().committed())
                .tags("outcome", "committed").register(registry);
        FunctionCounter.builder("sluice.transactions", broker, b -> b.transactionStats().rolledBack())
                .tags("outcome", "rolled_back").register(registry);
        FunctionCounter.builder("sluice.transactions", broker, b -> b.transactionStats().expired())
                .tags("outcome", "expired").description("Transactions rolled back after the last unanswered check")
                .register(registry);
        Gauge.builder("rocketmq.topic.number", broker, b -> b.topics().size()).register(registry);
        Gauge.builder("rocketmq.consumer.group.number", broker, b -> b.groups().size()).register(registry);
        storeGauge("sluice.store.disk.used.bytes", s -> s.stats().diskBytesUsed());
        storeGauge("sluice.store.disk.free.bytes", s -> s.stats().diskBytesFree());
        storeGauge("sluice.commitlog.bytes", s -> s.stats().commitLogMaxOffset() - s.stats().commitLogMinOffset());
        storeGauge("sluice.commitlog.segments", s -> s.stats().segmentCount());
        storeGauge("sluice.store.queue.files.open", s -> s.stats().openQueueFiles());
        storeGauge("sluice.store.index.memory.bytes", MessageStore::indexMemoryBytes);
        FunctionTimer.builder("sluice.commitlog.flush", store, s -> s.stats().flushes(), s -> s.stats().flushNanos(),
                        TimeUnit.NANOSECONDS)
                .description("fsyncs of the commit log and the time they took").register(registry);
    }

    private void storeGauge(String name, ToDoubleFunction<MessageStore> value) {
        Gauge.builder(name, store, value).register(registry);
    }

    /** Recomputes the per-(topic, group) rows from the broker's consumer progress. */
    public void refresh() {
        long now = System.currentTimeMillis();
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        List<MultiGauge.Row<?>> inflight = new ArrayList<>();
        List<MultiGauge.Row<?>> ready = new ArrayList<>();
        List<MultiGauge.Row<?>> latency = new ArrayList<>();
        for (GroupConfig group : broker.groups()) {
            registerCounters(group.name());
            Map<String, long[]> byTopic = new HashMap<>();
            for (QueueLag queue : broker.lag(group.name())) {
                long[] sums = byTopic.computeIfAbsent(queue.topic(), t -> new long[] {0, 0, Long.MAX_VALUE});
                sums[0] += queue.lag();
                sums[1] += queue.inFlight();
                if (queue.lag() > 0) {
                    sums[2] = Math.min(sums[2], oldestStoreTime(queue));
                }
            }
            byTopic.forEach((topic, sums) -> {
                Tags tags = Tags.of("topic", topic, "consumer_group", group.name());
                lag.add(MultiGauge.Row.of(tags, sums[0]));
                inflight.add(MultiGauge.Row.of(tags, sums[1]));
                ready.add(MultiGauge.Row.of(tags, Math.max(0, sums[0] - sums[1])));
                latency.add(MultiGauge.Row.of(tags, sums[2] == Long.MAX_VALUE ? 0 : Math.max(0, now - sums[2])));
            });
        }
        List<MultiGauge.Row<?>> timers = new ArrayList<>();
        broker.pendingTimers(null).forEach(p -> timers.add(MultiGauge.Row.of(Tags.of("topic", p.topic()), p.count())));
        pendingTimers.register(timers, true);
        List<MultiGauge.Row<?>> unresolved = new ArrayList<>();
        for (TopicConfig topic : broker.topics()) {
            if (topic.type() == MessageKind.TRANSACTION) {
                unresolved.add(MultiGauge.Row.of(Tags.of("topic", topic.name()),
                        broker.unresolvedTransactions(topic.name(), Integer.MAX_VALUE).size()));
            }
        }
        unresolvedTransactions.register(unresolved, true);
        lagMessages.register(lag, true);
        inflightMessages.register(inflight, true);
        readyMessages.register(ready, true);
        lagLatency.register(latency, true);
    }

    private long oldestStoreTime(QueueLag queue) {
        List<QueueEntry> oldest = store.readQueue(queue.topic(), queue.queueId(), queue.ackedOffset(), 1);
        return oldest.isEmpty() ? Long.MAX_VALUE : oldest.get(0).storeTimestamp();
    }

    private void registerCounters(String group) {
        if (!countedGroups.add(group)) {
            return;
        }
        GroupCounters.Counts counts = broker.counters().of(group);
        groupCounter("rocketmq.send.to.dlq.messages", group, counts, c -> c.deadLettered().sum(),
                "Messages moved to the group's dead-letter topic");
        groupCounter("sluice.redeliveries", group, counts, c -> c.redeliveries().sum(),
                "Deliveries after the first of a message to the group");
        groupCounter("sluice.nacks", group, counts, c -> c.nacks().sum(),
                "Messages the group's consumers gave back for a retry");
        groupCounter("sluice.released", group, counts, c -> c.releases().sum(),
                "Messages made visible again because their consumer's client went away");
    }

    private void groupCounter(String name, String group, GroupCounters.Counts counts,
                              ToDoubleFunction<GroupCounters.Counts> value, String description) {
        FunctionCounter.builder(name, counts, value).tags("consumer_group", group).description(description)
                .register(registry);
    }
}
