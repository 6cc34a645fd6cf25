package dev.sluice.controller.server;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Concurrent writers share Raft entries, and each still gets its own answer. */
class WriteBatchingTest {

    private static final int WRITERS = 12;
    private static final int WRITES_EACH = 15;

    @TempDir
    Path dataDir;

    @Test
    void shouldCommitConcurrentWritesInFewerEntriesWithOneAnswerEach() throws Exception {
        ControllerConfig config = new ControllerConfig("c1", List.of(new ControllerConfig.Peer("c1", "127.0.0.1", 0)),
                dataDir, "127.0.0.1", 0, ControllerConfig.DEFAULT_HEARTBEAT_TIMEOUT, false,
                ControllerConfig.DEFAULT_SNAPSHOT_THRESHOLD, false);
        try (ControllerServer server = ControllerServer.start(config);
             ControllerClient client = ControllerClient.connect(List.of("127.0.0.1:" + server.grpcPort()),
                     Duration.ofSeconds(20))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !client.clusterStatus().getRaftLeader().isEmpty());
            client.createConsumerGroup(ConsumerGroup.newBuilder().setName("warm-up").build());
            long indexBefore = client.takeSnapshot();
            long versionBefore = client.metadata().getVersion();

            // every name is tried by two writers: one of them must get ALREADY_EXISTS, even within a batch
            Set<Long> versions = ConcurrentHashMap.newKeySet();
            Set<String> created = ConcurrentHashMap.newKeySet();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int pair = w / 2;
                writers.add(pool.submit(() -> {
                    for (int n = 0; n < WRITES_EACH; n++) {
                        String name = "g-" + pair + "-" + n;
                        try {
                            ChangeResponse change = client.createConsumerGroup(
                                    ConsumerGroup.newBuilder().setName(name).build());
                            assertThat(versions.add(change.getVersion())).as("version %d answered twice",
                                    change.getVersion()).isTrue();
                            assertThat(created.add(name)).as("%s created twice", name).isTrue();
                        } catch (StatusRuntimeException e) {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            int attempts = WRITERS * WRITES_EACH;
            assertThat(created).hasSize(attempts / 2);
            assertThat(refused).hasValue(attempts / 2);
            assertThat(client.metadata().getVersion()).isEqualTo(versionBefore + attempts / 2);
            long entries = client.takeSnapshot() - indexBefore;
            assertThat(entries).as("Raft entries for %d writes", attempts).isLessThan(attempts);
            System.out.printf("METRIC %d concurrent writes (half refused) took %d Raft entries%n", attempts, entries);
        }
    }
}
