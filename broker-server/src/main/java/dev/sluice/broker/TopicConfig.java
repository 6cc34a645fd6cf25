package dev.sluice.broker;

import dev.sluice.store.MessageKind;

/**
 * A topic: how many queues it has and which message type it accepts.
 */
public record TopicConfig(String name, MessageKind type, int queues) {

    public static final int MAX_QUEUES = 1024;

    public TopicConfig {
        NameRules.checkTopic(name);
        if (type == null) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "topic type is required");
        }
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT,
                    "queues must be between 1 and " + MAX_QUEUES + ", got " + queues);
        }
    }
}
