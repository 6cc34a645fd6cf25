package dev.sluice.controller.server;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.controller.v1.ClusterStatus;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GetMetadata answered by a follower holds every change acknowledged before it was asked,
 * although the follower applies entries only after the leader told it they were committed.
 */
class FollowerReadTest {

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void shouldSeeEveryAcknowledgedWriteWhenReadingFromAFollower() throws Exception {
        List<ControllerConfig.Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(new ControllerConfig.Peer("c" + i, "127.0.0.1", SingleNodeControllerTest.freePort()));
        }
        List<ControllerServer> nodes = new ArrayList<>();
        for (ControllerConfig.Peer peer : peers) {
            nodes.add(track(ControllerServer.start(new ControllerConfig(peer.id(), peers,
                    dataDir.resolve(peer.id()), "127.0.0.1", 0, ControllerConfig.DEFAULT_HEARTBEAT_TIMEOUT, false,
                    ControllerConfig.DEFAULT_SNAPSHOT_THRESHOLD, false))));
        }
        ControllerClient any = track(client(nodes.get(0)));
        String leader = await().atMost(Duration.ofSeconds(20)).until(
                () -> any.clusterStatus().getRaftLeader(), id -> !id.isEmpty());
        int leaderIndex = peers.indexOf(peers.stream().filter(p -> p.id().equals(leader)).findFirst().orElseThrow());
        ControllerClient writer = track(client(nodes.get(leaderIndex)));
        ControllerClient follower = track(client(nodes.get((leaderIndex + 1) % 3)));

        for (int i = 0; i < 30; i++) {
            String name = "group-" + i;
            long version = writer.createConsumerGroup(ConsumerGroup.newBuilder().setName(name).build()).getVersion();
            var image = follower.metadata();
            assertThat(image.getVersion()).as("version read from the follower after write %d", i)
                    .isGreaterThanOrEqualTo(version);
            assertThat(image.getConsumerGroupsList()).extracting(ConsumerGroup::getName).contains(name);
        }
        ClusterStatus answered = follower.clusterStatus();
        assertThat(answered.getAnsweringNode()).as("the reads were answered by a follower").isNotEqualTo(leader);
    }

    private static ControllerClient client(ControllerServer node) {
        return ControllerClient.connect(List.of("127.0.0.1:" + node.grpcPort()), Duration.ofSeconds(10));
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }
}
