package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker with more queues than its open-files limit has room for, each queue with a file of its
 * own: it keeps writing, comes back after {@code kill -9} (recovery opens every queue), and
 * delivers every message. Before the store closed idle queue files, this server ran out of file
 * descriptors at its first checkpoint and refused writes until a restart, which failed the same way.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ManyQueuesIT {

    private static final int OPEN_FILES_LIMIT = 1024;
    /** What the store keeps open by default under that limit: a quarter is left for everything else. */
    private static final int OPEN_QUEUE_FILES = OPEN_FILES_LIMIT * 3 / 4;
    private static final List<String> TOPICS = List.of("wide-a", "wide-b");
    private static final int QUEUES_PER_TOPIC = 1000;
    private static final int MESSAGES_PER_TOPIC = 2 * QUEUES_PER_TOPIC;
    private static final Duration INVISIBLE = Duration.ofSeconds(30);
    private static final Pattern OPEN_QUEUE_FILES_GAUGE = Pattern.compile("(?m)^sluice_store_queue_files_open(?:\\{[^}]*})? (\\S+)$");

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void moreQueueFilesThanTheOpenFilesLimitAllowsAreWrittenRecoveredAndDelivered() throws Exception {
        SluiceProcess server = sluice.startWithOpenFilesLimit(OPEN_FILES_LIMIT,
                "--set", "store.checkpoint-interval=500ms");
        for (String topic : TOPICS) {
            sluice.admin(server).createTopic(topic, "NORMAL", QUEUES_PER_TOPIC);
        }
        Set<String> accepted = new HashSet<>();
        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Producer producer = clients.producer(TOPICS.toArray(String[]::new));
            for (String topic : TOPICS) {
                accepted.addAll(sendAll(clients, producer, topic));
            }
        }
        // checkpoints write every queue's entries to its file
        Thread.sleep(2_000);
        assertThat(get(server, "/healthz").body()).isEqualTo("ok");
        assertThat(openQueueFiles(server)).as("open queue files: at most three quarters of the limit")
                .isPositive().isLessThanOrEqualTo(OPEN_QUEUE_FILES);

        server.kill9();
        server.restart();
        assertThat(get(server, "/healthz").body()).isEqualTo("ok");

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Set<String> received = new HashSet<>();
            for (String topic : TOPICS) {
                received.addAll(receiveAll(clients, topic, MESSAGES_PER_TOPIC));
            }
            assertThat(received).as("every accepted message, after kill -9").containsAll(accepted);
            Producer producer = clients.producer(TOPICS.get(0));
            producer.send(clients.message(TOPICS.get(0)).setBody("after".getBytes(StandardCharsets.UTF_8)).build());
        }
        assertThat(get(server, "/healthz").body()).isEqualTo("ok");
        assertThat(openQueueFiles(server)).isLessThanOrEqualTo(OPEN_QUEUE_FILES);
    }

    /** Sends round-robin over the topic's queues: about two messages land in each. */
    private static List<String> sendAll(Clients clients, Producer producer, String topic) {
        List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
        for (int i = 0; i < MESSAGES_PER_TOPIC; i++) {
            sends.add(producer.sendAsync(clients.message(topic)
                    .setBody((topic + "-" + i).getBytes(StandardCharsets.UTF_8)).build()));
        }
        return sends.stream().map(send -> send.join().getMessageId().toString()).toList();
    }

    private static Set<String> receiveAll(Clients clients, String topic, int expected) throws ClientException {
        Set<String> received = new HashSet<>();
        SimpleConsumer consumer = clients.simpleConsumer(topic + "-readers", topic, FilterExpression.SUB_ALL,
                Duration.ofSeconds(2));
        Receiving.until(consumer, INVISIBLE, Duration.ofSeconds(90), () -> received.size() >= expected,
                message -> {
                    received.add(message.getMessageId().toString());
                    consumer.ack(message);
                });
        return received;
    }

    private double openQueueFiles(SluiceProcess server) throws IOException, InterruptedException {
        Matcher gauge = OPEN_QUEUE_FILES_GAUGE.matcher(get(server, "/metrics").body());
        assertThat(gauge.find()).as("sluice_store_queue_files_open is exported").isTrue();
        return Double.parseDouble(gauge.group(1));
    }

    private HttpResponse<String> get(SluiceProcess server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
