package dev.sluice.controller.image;

import java.util.List;

/** A topic, its message type and its queues in queue-id order. */
public record TopicImage(String name, MessageType messageType, List<QueueAssignment> queues) {

    public TopicImage {
        queues = List.copyOf(queues);
    }

    public TopicImage withQueues(List<QueueAssignment> newQueues) {
        return new TopicImage(name, messageType, newQueues);
    }

    public TopicImage withMessageType(MessageType newType) {
        return new TopicImage(name, newType, queues);
    }
}
