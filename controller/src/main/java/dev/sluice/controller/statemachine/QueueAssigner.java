package dev.sluice.controller.statemachine;

import dev.sluice.controller.image.BrokerGroupImage;
import dev.sluice.controller.image.ImageDelta;
import dev.sluice.controller.image.QueueAssignment;
import dev.sluice.controller.image.TopicImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Places queues on broker groups. Writable (not draining) groups share the queues of all topics
 * so that their queue counts differ by at most one after a rebalance; new queues go to the
 * least-loaded writable group, ties broken by group name, so the outcome depends only on the image.
 */
final class QueueAssigner {

    private final ImageDelta delta;
    /** Queues each writable group takes writes for, over all topics. */
    private final Map<String, Integer> load = new TreeMap<>();

    QueueAssigner(ImageDelta delta) {
        this.delta = delta;
        delta.allBrokerGroups().values().stream()
                .filter(BrokerGroupImage::writable)
                .forEach(group -> load.put(group.name(), 0));
        for (TopicImage topic : delta.allTopics().values()) {
            for (QueueAssignment queue : topic.queues()) {
                load.computeIfPresent(queue.brokerGroup(), (group, count) -> count + 1);
            }
        }
    }

    boolean hasWritableGroup() {
        return !load.isEmpty();
    }

    /** Appends queues to the topic until it has {@code queueCount}; existing queues stay where they are. */
    TopicImage growTo(TopicImage topic, int queueCount) throws RejectedCommandException {
        requireWritableGroup();
        List<QueueAssignment> queues = new ArrayList<>(topic.queues());
        for (int queueId = queues.size(); queueId < queueCount; queueId++) {
            queues.add(QueueAssignment.fresh(queueId, takeLeastLoaded()));
        }
        return topic.withQueues(queues);
    }

    /** Moves every queue owned by a non-writable group, then evens out the writable groups. */
    void rebalance() throws RejectedCommandException {
        requireWritableGroup();
        for (TopicImage topic : delta.allTopics().values()) {
            List<QueueAssignment> queues = new ArrayList<>(topic.queues());
            boolean moved = false;
            for (int i = 0; i < queues.size(); i++) {
                if (!load.containsKey(queues.get(i).brokerGroup())) {
                    queues.set(i, queues.get(i).movedTo(takeLeastLoaded()));
                    moved = true;
                }
            }
            if (moved) {
                delta.putTopic(topic.withQueues(queues));
            }
        }
        // Each move lowers the spread between the fullest and emptiest group, so this ends.
        while (mostLoaded().getValue() - leastLoaded().getValue() > 1) {
            moveOneQueue(mostLoaded().getKey(), leastLoaded().getKey());
        }
    }

    private void moveOneQueue(String from, String to) {
        for (TopicImage topic : delta.allTopics().values()) {
            List<QueueAssignment> queues = new ArrayList<>(topic.queues());
            for (int i = 0; i < queues.size(); i++) {
                if (queues.get(i).brokerGroup().equals(from)) {
                    queues.set(i, queues.get(i).movedTo(to));
                    delta.putTopic(topic.withQueues(queues));
                    load.merge(from, -1, Integer::sum);
                    load.merge(to, 1, Integer::sum);
                    return;
                }
            }
        }
        throw new IllegalStateException("group " + from + " is counted with queues but owns none");
    }

    private void requireWritableGroup() throws RejectedCommandException {
        if (!hasWritableGroup()) {
            throw new RejectedCommandException(RejectionCode.FAILED_PRECONDITION,
                    "no writable broker group to place queues on");
        }
    }

    private String takeLeastLoaded() {
        String group = leastLoaded().getKey();
        load.merge(group, 1, Integer::sum);
        return group;
    }

    private Map.Entry<String, Integer> leastLoaded() {
        return load.entrySet().stream().min(BY_LOAD_THEN_NAME).orElseThrow();
    }

    private Map.Entry<String, Integer> mostLoaded() {
        return load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    }

    private static final Comparator<Map.Entry<String, Integer>> BY_LOAD_THEN_NAME =
            Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey());
}
