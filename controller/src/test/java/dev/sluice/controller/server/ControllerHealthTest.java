package dev.sluice.controller.server;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.metrics.SluiceMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a controller node's probes and metrics say about it. */
class ControllerHealthTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldBeReadyOnceItKnowsTheLeaderAndExportItsRaftAndMetadataState() throws IOException {
        ControllerConfig config = config(SingleNodeControllerTest.freePort());
        try (ControllerServer server = ControllerServer.start(config);
             SluiceMetrics metrics = new SluiceMetrics("sluice", "controller", "c1");
             ControllerClient client = ControllerClient.connect(List.of("127.0.0.1:" + server.grpcPort()),
                     Duration.ofSeconds(10))) {
            server.bindMetrics(metrics.registry());
            await().atMost(Duration.ofSeconds(15)).until(server::ready);
            client.registerBroker("b0", "g0", List.of("127.0.0.1:10911"));
            client.registerBroker("b1", "g1", List.of("127.0.0.1:10921"));

            String scrape = metrics.scrape();

            assertThat(server.failure()).isEmpty();
            assertThat(scrape).contains("sluice_controller_raft_leader{cluster=\"sluice\",node_id=\"c1\",node_type=\"controller\"} 1.0");
            assertThat(scrape).containsPattern("sluice_controller_raft_term\\{[^}]*} [1-9]");
            assertThat(scrape).contains("sluice_controller_metadata_version{cluster=\"sluice\",node_id=\"c1\",node_type=\"controller\"} "
                    + client.metadata().getVersion() + ".0");
            assertThat(scrape).contains("rocketmq_active_broker_num{cluster=\"sluice\",node_id=\"c1\",node_type=\"controller\"} 2.0");
            assertThat(scrape).containsPattern("sluice_controller_raft_applied_index\\{[^}]*} [1-9]");
        }
    }

    @Test
    void shouldReportWhyRaftDidNotStartAndNeverBeReady() throws Exception {
        // the Raft storage cannot be created under a regular file: the node's API runs, its Raft half cannot
        dataDir = Files.writeString(dataDir.resolve("not-a-directory"), "x");
        try (ControllerServer server = ControllerServer.startInBackground(config(SingleNodeControllerTest.freePort()));
             SluiceMetrics metrics = new SluiceMetrics("sluice", "controller", "c1")) {
            server.bindMetrics(metrics.registry());

            await().atMost(Duration.ofSeconds(30)).until(() -> server.failure().isPresent());

            assertThat(server.failure().orElseThrow()).startsWith("controller did not start: ");
            assertThat(server.ready()).isFalse();
            assertThat(metrics.scrape()).contains("sluice_controller_raft_leader{cluster=\"sluice\",node_id=\"c1\",node_type=\"controller\"} NaN");
        }
    }

    private ControllerConfig config(int raftPort) throws IOException {
        return new ControllerConfig("c1", List.of(new ControllerConfig.Peer("c1", "127.0.0.1", raftPort)),
                dataDir, "127.0.0.1", SingleNodeControllerTest.freePort(), Duration.ofSeconds(10), false, 1_000, false);
    }
}
