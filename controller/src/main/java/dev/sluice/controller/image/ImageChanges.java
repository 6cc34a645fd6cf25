package dev.sluice.controller.image;

import java.util.List;
import java.util.Set;

/**
 * What one metadata change did: the entities it created or replaced and the names it removed.
 * Applying it to image {@code version - 1} gives image {@code version}; watchers receive exactly this.
 */
public record ImageChanges(long version,
                           List<BrokerImage> brokers,
                           List<BrokerGroupImage> brokerGroups,
                           List<TopicImage> topics,
                           Set<String> removedTopics,
                           List<ConsumerGroupImage> consumerGroups,
                           Set<String> removedConsumerGroups) {

    public ImageChanges {
        brokers = List.copyOf(brokers);
        brokerGroups = List.copyOf(brokerGroups);
        topics = List.copyOf(topics);
        removedTopics = Set.copyOf(removedTopics);
        consumerGroups = List.copyOf(consumerGroups);
        removedConsumerGroups = Set.copyOf(removedConsumerGroups);
    }
}
