package dev.sluice.controller.image;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects the changes of one metadata command on top of a base image. Reads see the base
 * overlaid with what was changed so far. Not thread-safe: used by one applying thread.
 */
public final class ImageDelta {

    private final ClusterImage base;
    private final Map<String, BrokerImage> brokers = new TreeMap<>();
    private final Map<String, BrokerGroupImage> brokerGroups = new TreeMap<>();
    private final Map<String, TopicImage> topics = new TreeMap<>();
    private final Set<String> removedTopics = new TreeSet<>();
    private final Map<String, ConsumerGroupImage> consumerGroups = new TreeMap<>();
    private final Set<String> removedConsumerGroups = new TreeSet<>();

    public ImageDelta(ClusterImage base) {
        this.base = base;
    }

    public ClusterImage base() {
        return base;
    }

    public Optional<BrokerImage> broker(String id) {
        return Optional.ofNullable(brokers.getOrDefault(id, base.brokers().get(id)));
    }

    public Optional<BrokerGroupImage> brokerGroup(String name) {
        return Optional.ofNullable(brokerGroups.getOrDefault(name, base.brokerGroups().get(name)));
    }

    public Optional<TopicImage> topic(String name) {
        if (removedTopics.contains(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(topics.getOrDefault(name, base.topics().get(name)));
    }

    public Optional<ConsumerGroupImage> consumerGroup(String name) {
        if (removedConsumerGroups.contains(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(consumerGroups.getOrDefault(name, base.consumerGroups().get(name)));
    }

    /** Every broker as changed so far, sorted by id. */
    public Map<String, BrokerImage> allBrokers() {
        Map<String, BrokerImage> all = new TreeMap<>(base.brokers());
        all.putAll(brokers);
        return all;
    }

    /** Every broker group as changed so far, sorted by name. */
    public Map<String, BrokerGroupImage> allBrokerGroups() {
        Map<String, BrokerGroupImage> all = new TreeMap<>(base.brokerGroups());
        all.putAll(brokerGroups);
        return all;
    }

    /** Every topic as changed so far, sorted by name. */
    public Map<String, TopicImage> allTopics() {
        Map<String, TopicImage> all = new TreeMap<>(base.topics());
        all.putAll(topics);
        all.keySet().removeAll(removedTopics);
        return all;
    }

    public void putBroker(BrokerImage broker) {
        brokers.put(broker.id(), broker);
    }

    public void putBrokerGroup(BrokerGroupImage group) {
        brokerGroups.put(group.name(), group);
    }

    public void putTopic(TopicImage topic) {
        removedTopics.remove(topic.name());
        topics.put(topic.name(), topic);
    }

    public void removeTopic(String name) {
        topics.remove(name);
        removedTopics.add(name);
    }

    public void putConsumerGroup(ConsumerGroupImage group) {
        removedConsumerGroups.remove(group.name());
        consumerGroups.put(group.name(), group);
    }

    public void removeConsumerGroup(String name) {
        consumerGroups.remove(name);
        removedConsumerGroups.add(name);
    }

    public boolean isEmpty() {
        return brokers.isEmpty() && brokerGroups.isEmpty() && topics.isEmpty() && removedTopics.isEmpty()
                && consumerGroups.isEmpty() && removedConsumerGroups.isEmpty();
    }

    /** The changes as the next version of the base image. */
    public ImageChanges changes() {
        return new ImageChanges(base.version() + 1, brokers.values().stream().toList(),
                brokerGroups.values().stream().toList(), topics.values().stream().toList(), removedTopics,
                consumerGroups.values().stream().toList(), removedConsumerGroups);
    }

    public ClusterImage apply() {
        return base.applying(changes());
    }
}
