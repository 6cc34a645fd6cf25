package dev.sluice.controller.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Where one queue of a topic lives.
 *
 * @param brokerGroup    the one group that takes writes for the queue
 * @param readOnlyGroups groups the queue moved away from; they serve their backlog read-only
 */
public record QueueAssignment(int queueId, String brokerGroup, List<String> readOnlyGroups) {

    public QueueAssignment {
        readOnlyGroups = readOnlyGroups.stream().distinct().sorted().toList();
    }

    public static QueueAssignment fresh(int queueId, String brokerGroup) {
        return new QueueAssignment(queueId, brokerGroup, List.of());
    }

    /** Moves writes to {@code newOwner}; the old owner keeps its backlog read-only. */
    public QueueAssignment movedTo(String newOwner) {
        List<String> readers = new ArrayList<>(readOnlyGroups);
        readers.add(brokerGroup);
        readers.remove(newOwner);
        return new QueueAssignment(queueId, newOwner, readers);
    }

    /** The group no longer serves this queue's backlog (it was consumed). */
    public QueueAssignment releasedBy(String group) {
        List<String> readers = new ArrayList<>(readOnlyGroups);
        readers.remove(group);
        return new QueueAssignment(queueId, brokerGroup, readers);
    }
}
