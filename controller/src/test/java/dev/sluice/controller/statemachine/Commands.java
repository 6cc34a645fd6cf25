package dev.sluice.controller.statemachine;

import dev.sluice.controller.image.ClusterImage;
import dev.sluice.proto.controller.v1.AlterInSyncRequest;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.ElectionPolicy;
import dev.sluice.proto.controller.v1.HeartbeatRequest;
import dev.sluice.proto.controller.v1.LivenessCheck;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.RegisterBrokerRequest;

/** Builds stamped commands and applies them the way the state machine does, for tests. */
final class Commands {

    static final long TIMEOUT_MS = 10_000;

    private Commands() {
    }

    static MetadataCommand.Builder at(long timestampMs, boolean unclean) {
        return MetadataCommand.newBuilder().setTimestampMs(timestampMs).setPolicy(
                ElectionPolicy.newBuilder().setHeartbeatTimeoutMs(TIMEOUT_MS).setUncleanElection(unclean));
    }

    static MetadataCommand register(long at, String broker, String group) {
        return at(at, false).setRegisterBroker(RegisterBrokerRequest.newBuilder().setBrokerId(broker)
                .setBrokerGroup(group).addEndpoints("127.0.0.1:10911")).build();
    }

    static MetadataCommand heartbeat(long at, String broker) {
        return at(at, false).setHeartbeat(HeartbeatRequest.newBuilder().setBrokerId(broker)).build();
    }

    static MetadataCommand livenessCheck(long at, boolean unclean) {
        return at(at, unclean).setLivenessCheck(LivenessCheck.getDefaultInstance()).build();
    }

    static MetadataCommand createTopic(String name, int queues) {
        return at(0, false).setCreateTopic(CreateTopicRequest.newBuilder().setName(name).setQueueCount(queues)
                .setMessageType(MessageType.NORMAL)).build();
    }

    static MetadataCommand alterInSync(String group, String leader, long basedOn, String... inSync) {
        return at(0, false).setAlterInSync(AlterInSyncRequest.newBuilder().setBrokerGroup(group).setLeader(leader)
                .setBasedOnStateEpoch(basedOn).addAllInSync(java.util.List.of(inSync))).build();
    }

    /** Applies like the state machine: a refusal throws, a change yields the next image. */
    static ClusterImage apply(ClusterImage image, MetadataCommand command) throws RejectedCommandException {
        CommandApplier.Outcome outcome = CommandApplier.apply(image, command);
        return outcome.delta().isEmpty() ? image : outcome.delta().apply();
    }

    static ClusterImage applyAll(ClusterImage image, MetadataCommand... commands) throws RejectedCommandException {
        ClusterImage result = image;
        for (MetadataCommand command : commands) {
            result = apply(result, command);
        }
        return result;
    }
}
