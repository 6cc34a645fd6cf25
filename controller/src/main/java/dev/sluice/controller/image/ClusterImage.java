package dev.sluice.controller.image;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The whole cluster metadata at one version. Immutable and thread-safe: readers always see a
 * complete image; a change produces a new image through {@link ImageDelta} or {@link #applying}.
 *
 * @param version number of changes applied since the cluster was created, equal on every node
 */
public record ClusterImage(long version,
                           SortedMap<String, BrokerImage> brokers,
                           SortedMap<String, BrokerGroupImage> brokerGroups,
                           SortedMap<String, TopicImage> topics,
                           SortedMap<String, ConsumerGroupImage> consumerGroups) {

    public static final ClusterImage EMPTY =
            new ClusterImage(0, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

    public ClusterImage {
        brokers = frozen(brokers);
        brokerGroups = frozen(brokerGroups);
        topics = frozen(topics);
        consumerGroups = frozen(consumerGroups);
    }

    /** The image one version later; used by the state machine and by watchers replaying deltas. */
    public ClusterImage applying(ImageChanges changes) {
        if (changes.version() != version + 1) {
            throw new IllegalArgumentException(
                    "delta " + changes.version() + " does not follow image " + version);
        }
        TreeMap<String, BrokerImage> nextBrokers = upsert(brokers, changes.brokers().stream()
                .collect(Collectors.toMap(BrokerImage::id, Function.identity())));
        TreeMap<String, BrokerGroupImage> nextGroups = upsert(brokerGroups, changes.brokerGroups().stream()
                .collect(Collectors.toMap(BrokerGroupImage::name, Function.identity())));
        TreeMap<String, TopicImage> nextTopics = upsert(topics, changes.topics().stream()
                .collect(Collectors.toMap(TopicImage::name, Function.identity())));
        nextTopics.keySet().removeAll(changes.removedTopics());
        TreeMap<String, ConsumerGroupImage> nextConsumers = upsert(consumerGroups, changes.consumerGroups().stream()
                .collect(Collectors.toMap(ConsumerGroupImage::name, Function.identity())));
        nextConsumers.keySet().removeAll(changes.removedConsumerGroups());
        return new ClusterImage(changes.version(), nextBrokers, nextGroups, nextTopics, nextConsumers);
    }

    private static <V> TreeMap<String, V> upsert(Map<String, V> base, Map<String, V> changed) {
        TreeMap<String, V> next = new TreeMap<>(base);
        next.putAll(changed);
        return next;
    }

    private static <V> SortedMap<String, V> frozen(SortedMap<String, V> map) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
