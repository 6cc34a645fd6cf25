package dev.sluice.broker.pop;

/** One consumer group's view of one queue of a topic. */
public record QueueKey(String group, String topic, int queueId) {
}
