package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server whose store can no longer write (here: it runs out of file descriptors while creating
 * consume-queue files at a checkpoint, as a node with a low limit and many queues does) refuses
 * writes for good.
 * Its probes must say so, so that Kubernetes restarts it; the restart recovers every message it
 * had accepted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StoreFailureIT {

    private static final String NARROW = "narrow";
    private static final String WIDE = "wide";
    private static final int WIDE_QUEUES = 64;
    private static final int SENT_BEFORE = 50;
    /** Long enough for several checkpoints, which write the queues' entries to their files. */
    private static final Duration FAILURE_WITHIN = Duration.ofSeconds(30);
    private static final Duration INVISIBLE = Duration.ofSeconds(30);

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void probesFailOnceTheStoreStopsWritingAndARestartRecoversEveryAcceptedMessage() throws Exception {
        SluiceProcess server = sluice.start("--set", "store.checkpoint-interval=500ms");
        sluice.admin(server).createTopic(NARROW, "NORMAL", 1);
        sluice.admin(server).createTopic(WIDE, "NORMAL", WIDE_QUEUES);
        Set<String> acceptedNarrow = new HashSet<>();
        Set<String> acceptedWide = new HashSet<>();
        int refused = 0;

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Producer producer = clients.producer(NARROW, WIDE);
            for (int i = 0; i < SENT_BEFORE; i++) {
                acceptedNarrow.add(send(clients, producer, NARROW, i));
            }
            assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

            // each of the wide topic's queues opens a consume-queue file when its first entries are
            // written out, at the latest at the next checkpoint
            server.limitOpenFiles(8);
            long deadline = System.nanoTime() + FAILURE_WITHIN.toNanos();
            for (int i = 0; System.nanoTime() < deadline && refused == 0; i++) {
                try {
                    acceptedWide.add(send(clients, producer, WIDE, i));
                } catch (ClientException e) {
                    refused++;
                }
            }
        }
        assertThat(refused).as("sends refused once descriptors ran out").isPositive();

        HttpResponse<String> health = get(server, "/healthz");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).startsWith("failed: ").contains("Too many open files");
        assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);

        server.stop();
        server.restart();
        assertThat(get(server, "/healthz").body()).isEqualTo("ok");
        assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);

        try (Clients clients = new Clients(server.grpcEndpoint())) {
            Producer producer = clients.producer(WIDE);
            acceptedWide.add(send(clients, producer, WIDE, -1));
            // a refused send may still have reached the commit log (at least once): only losses count
            assertThat(receiveAll(clients, NARROW, acceptedNarrow)).as("every message accepted before the failure")
                    .containsAll(acceptedNarrow);
            assertThat(receiveAll(clients, WIDE, acceptedWide)).as("every message accepted on the wide topic")
                    .containsAll(acceptedWide);
        }
    }

    private static String send(Clients clients, Producer producer, String topic, int i) throws ClientException {
        return producer.send(clients.message(topic).setBody(("m" + i).getBytes(StandardCharsets.UTF_8)).build())
                .getMessageId().toString();
    }

    private static Set<String> receiveAll(Clients clients, String topic, Set<String> accepted) throws ClientException {
        Set<String> received = new HashSet<>();
        SimpleConsumer consumer = clients.simpleConsumer(topic + "-readers", topic, FilterExpression.SUB_ALL,
                Duration.ofSeconds(2));
        Receiving.until(consumer, INVISIBLE, Duration.ofSeconds(60), () -> received.containsAll(accepted),
                message -> {
                    received.add(message.getMessageId().toString());
                    consumer.ack(message);
                });
        return received;
    }

    private HttpResponse<String> get(SluiceProcess server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
