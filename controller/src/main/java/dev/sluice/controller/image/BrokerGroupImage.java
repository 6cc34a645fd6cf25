package dev.sluice.controller.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Replica state of one broker group.
 *
 * <p>{@code leaderEpoch} changes with every change of leader (brokers truncate their logs at
 * epoch boundaries); {@code stateEpoch} changes with every change of leader <em>or</em> in-sync
 * set and is the fencing token a replica-state change must name.
 *
 * @param replicas registered brokers of the group, in registration order (elections scan it in this order)
 * @param leader   empty while the group is leaderless
 * @param inSync   replicas known to hold every acknowledged record, sorted
 */
public record BrokerGroupImage(String name, List<String> replicas, String leader, long leaderEpoch,
                               long stateEpoch, List<String> inSync, boolean draining) {

    public static final String NO_LEADER = "";

    public BrokerGroupImage {
        replicas = List.copyOf(replicas);
        inSync = inSync.stream().distinct().sorted().toList();
    }

    /** A group created by the registration of its first broker, which leads it at epoch 1. */
    public static BrokerGroupImage founded(String name, String firstBroker) {
        return new BrokerGroupImage(name, List.of(firstBroker), firstBroker, 1, 1, List.of(firstBroker), false);
    }

    public boolean hasLeader() {
        return !leader.isEmpty();
    }

    public boolean writable() {
        return !draining;
    }

    public BrokerGroupImage withReplica(String brokerId) {
        if (replicas.contains(brokerId)) {
            return this;
        }
        List<String> more = new ArrayList<>(replicas);
        more.add(brokerId);
        return new BrokerGroupImage(name, more, leader, leaderEpoch, stateEpoch, inSync, draining);
    }

    /** A new leader (or none) and in-sync set: both epochs move on, fencing the previous leader. */
    public BrokerGroupImage withLeader(String newLeader, List<String> newInSync) {
        return new BrokerGroupImage(name, replicas, newLeader, leaderEpoch + 1, stateEpoch + 1, newInSync, draining);
    }

    public BrokerGroupImage withInSync(List<String> newInSync) {
        return new BrokerGroupImage(name, replicas, leader, leaderEpoch, stateEpoch + 1, newInSync, draining);
    }

    public BrokerGroupImage withDraining(boolean newDraining) {
        return new BrokerGroupImage(name, replicas, leader, leaderEpoch, stateEpoch, inSync, newDraining);
    }
}
