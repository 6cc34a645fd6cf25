package dev.sluice.controller.cluster;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.controller.client.MetadataWatch;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.proto.controller.v1.AlterInSyncRequest;
import dev.sluice.proto.controller.v1.BrokerGroup;
import dev.sluice.proto.controller.v1.ClusterStatus;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.WatchEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three controller nodes as three JVM processes on 127.0.0.1. Prints the measured election time
 * and write rate (measurements, not assertions).
 */
class ControllerClusterTest {

    private static final Duration ELECTION_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path baseDir;

    private ControllerProcesses cluster;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedWriteAcrossThreeLeaderKills() throws Exception {
        cluster = new ControllerProcesses(baseDir, 3);
        cluster.startAll();
        ClusterStatus first = awaitLeader(Duration.ofSeconds(30));
        ControllerClient admin = track(ControllerClient.connect(cluster.apiEndpoints(), Duration.ofSeconds(20)));
        admin.registerBroker("b0", "g0", List.of("127.0.0.1:10911"));
        admin.registerBroker("b1", "g1", List.of("127.0.0.1:10921"));

        // Watch through the Raft leader first, so killing it forces the watch to resume elsewhere.
        List<String> leaderFirst = new ArrayList<>(cluster.apiEndpoints());
        Collections.rotate(leaderFirst, -cluster.indexOf(first.getRaftLeader()));
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        ControllerClient watchClient = track(ControllerClient.connect(leaderFirst, Duration.ofSeconds(20)));
        MetadataWatch watch = track(watchClient.watch(0, (event, image) -> events.add(event)));

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failedWrites = new AtomicInteger();
        Set<String> repeatedWrites = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<?>> writerTasks = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            String prefix = "t-" + w + "-";
            ControllerClient client = track(ControllerClient.connect(cluster.apiEndpoints(), Duration.ofSeconds(15)));
            writerTasks.add(writers.submit(() -> {
                for (int n = 0; writing.get() && n < 100_000; n++) {
                    String topic = prefix + n;
                    try {
                        client.createTopic(topic, 2, MessageType.NORMAL);
                        acknowledged.add(topic);
                    } catch (StatusRuntimeException e) {
                        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                            // each name is created once: a retry was applied twice instead of deduplicated
                            repeatedWrites.add(topic);
                        } else {
                            failedWrites.incrementAndGet();
                        }
                    }
                }
            }));
        }

        List<Long> electionMillis = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            Thread.sleep(1_500);
            ClusterStatus before = awaitLeader(Duration.ofSeconds(15));
            int victim = cluster.indexOf(before.getRaftLeader());
            long killedAt = System.nanoTime();
            cluster.kill(victim);
            ClusterStatus after = awaitLeader(Duration.ofSeconds(15));
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(after.getRaftLeader()).isNotEqualTo(before.getRaftLeader());
            assertThat(after.getRaftTerm()).isGreaterThan(before.getRaftTerm());
            assertThat(Duration.ofMillis(elapsed)).as("new leader after kill -9 of " + before.getRaftLeader())
                    .isLessThan(ELECTION_LIMIT);
            electionMillis.add(elapsed);
            cluster.start(victim);
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.status(victim).isPresent());
        }

        writing.set(false);
        for (Future<?> task : writerTasks) {
            task.get(60, TimeUnit.SECONDS);
        }
        writers.shutdown();

        ClusterImage finalImage = awaitEqualImages();
        assertThat(finalImage.topics().keySet()).containsAll(acknowledged);
        assertThat(acknowledged).hasSizeGreaterThan(20);
        assertThat(repeatedWrites).as("writes whose retry was answered ALREADY_EXISTS").isEmpty();
        // Compared with a fresh image: the liveness check may still mark the silent brokers down meanwhile.
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.status(0)
                .map(status -> ImageCodec.fromProto(status.getImage()).equals(watch.image())).orElse(false));
        assertThat(watch.discontinuities()).isZero();
        assertThat(events.get(0).hasImage()).isTrue();
        List<Long> deltaVersions = events.stream().skip(1).map(e -> {
            assertThat(e.hasDelta()).as("only deltas after the first image").isTrue();
            return e.getDelta().getVersion();
        }).toList();
        long firstVersion = events.get(0).getImage().getVersion();
        for (int i = 0; i < deltaVersions.size(); i++) {
            assertThat(deltaVersions.get(i)).isEqualTo(firstVersion + 1 + i);
        }

        List<Long> sorted = electionMillis.stream().sorted().toList();
        System.out.printf("METRIC controller election after leader kill -9: runs %s ms, median %d ms%n",
                electionMillis, sorted.get(sorted.size() / 2));
        System.out.printf("METRIC acknowledged topic creations %d, failed attempts %d%n",
                acknowledged.size(), failedWrites.get());
        measureWriteRate();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepMetadataAcrossRestartOfAllNodesAndDetectSilentBrokers() throws Exception {
        cluster = new ControllerProcesses(baseDir, 3, "--snapshot-threshold", "25", "--heartbeat-timeout-ms", "1500");
        cluster.startAll();
        awaitLeader(Duration.ofSeconds(30));
        ControllerClient client = track(ControllerClient.connect(cluster.apiEndpoints(), Duration.ofSeconds(20)));
        client.registerBroker("a", "g0", List.of("127.0.0.1:10911"));
        client.registerBroker("b", "g0", List.of("127.0.0.1:10912"));
        BrokerGroup group = client.registerBroker("c", "g1", List.of("127.0.0.1:10921")).getBrokerGroup();
        BrokerGroup g0 = client.alterInSync(AlterInSyncRequest.newBuilder().setBrokerGroup("g0").setLeader("a")
                .setBasedOnStateEpoch(client.metadata().getBrokerGroupsList().stream()
                        .filter(g -> g.getName().equals("g0")).findFirst().orElseThrow().getStateEpoch())
                .addInSync("a").addInSync("b").build()).getBrokerGroup();
        assertThat(group.getLeader()).isEqualTo("c");

        // b keeps heartbeating, a falls silent: g0 must fail over to b with a new leader epoch.
        AtomicBoolean beating = new AtomicBoolean(true);
        Thread heartbeats = new Thread(() -> {
            while (beating.get()) {
                try {
                    client.heartbeat("b");
                    client.heartbeat("c");
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                } catch (StatusRuntimeException e) {
                    System.out.println("heartbeat failed: " + e.getStatus());
                }
            }
        });
        heartbeats.start();
        closeables.add(() -> {
            beating.set(false);
            heartbeats.interrupt();
            heartbeats.join(5_000);
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            BrokerGroup current = client.metadata().getBrokerGroupsList().stream()
                    .filter(g -> g.getName().equals("g0")).findFirst().orElseThrow();
            assertThat(current.getLeader()).isEqualTo("b");
            assertThat(current.getLeaderEpoch()).isGreaterThan(g0.getLeaderEpoch());
        });
        beating.set(false);
        heartbeats.join(5_000);

        for (int i = 0; i < 60; i++) {
            client.createConsumerGroup(ConsumerGroup.newBuilder().setName("cg-" + i).setFifo(i % 2 == 0).build());
        }
        client.createTopic("orders", 8, MessageType.FIFO);
        ClusterImage before = awaitEqualImages();

        cluster.close();
        cluster.startAll();
        awaitLeader(Duration.ofSeconds(30));
        ClusterImage after = awaitEqualImages();
        assertThat(after.version()).isGreaterThanOrEqualTo(before.version());
        assertThat(after.topics()).isEqualTo(before.topics());
        assertThat(after.consumerGroups()).isEqualTo(before.consumerGroups());
        // Nobody heartbeats any more: every broker is down and g0 waits, leaderless, for its last in-sync member.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            BrokerGroup current = client.metadata().getBrokerGroupsList().stream()
                    .filter(g -> g.getName().equals("g0")).findFirst().orElseThrow();
            assertThat(current.getLeader()).isEmpty();
            assertThat(current.getInSyncList()).containsExactly("b");
        });
    }

    private void measureWriteRate() throws Exception {
        int threads = 8;
        long durationMs = 3_000;
        AtomicInteger writes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> tasks = new ArrayList<>();
        long end = System.currentTimeMillis() + durationMs;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            ControllerClient client = track(ControllerClient.connect(cluster.apiEndpoints(), Duration.ofSeconds(10)));
            tasks.add(pool.submit(() -> {
                for (int n = 0; System.currentTimeMillis() < end; n++) {
                    client.createConsumerGroup(ConsumerGroup.newBuilder().setName("rate-" + thread + "-" + n).build());
                    writes.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> task : tasks) {
            task.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf("METRIC controller metadata writes/s on 3 nodes (%d client threads): %.0f%n",
                threads, writes.get() * 1000.0 / durationMs);
    }

    private ClusterStatus awaitLeader(Duration limit) {
        return await().atMost(limit).pollInterval(Duration.ofMillis(20))
                .until(() -> cluster.agreedLeader(), java.util.Optional::isPresent).orElseThrow();
    }

    /** Waits until every node reports the same image, and returns it. */
    private ClusterImage awaitEqualImages() {
        List<ClusterImage> images = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            images.clear();
            for (int i = 0; i < cluster.nodes().size(); i++) {
                cluster.status(i).ifPresent(status -> images.add(ImageCodec.fromProto(status.getImage())));
            }
            return images.size() == cluster.nodes().size() && images.stream().distinct().count() == 1;
        });
        return images.get(0);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
