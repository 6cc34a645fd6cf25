package dev.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sluice.config.SluiceConfig;
import dev.sluice.launcher.StandaloneServer;
import dev.sluice.proto.admin.v1.AdminGrpc;
import dev.sluice.proto.admin.v1.CreateTopicRequest;
import dev.sluice.proto.admin.v1.TopicType;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationRequest;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.FilterExpression;
import dev.sluice.proto.rmq.v2.FilterType;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.MessagingServiceGrpc;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.Resource;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SystemProperties;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes a running standalone server while a small real workload runs against it. */
class MetricsTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "sluice-overview.json");

    @TempDir
    Path dataDir;
    private StandaloneServer server;
    private ManagedChannel channel;
    private MessagingServiceGrpc.MessagingServiceBlockingStub rocketmq;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        server = new StandaloneServer(SluiceConfig.load(Optional.empty(), Map.of(
                "data-dir", dataDir.toString(), "host", "127.0.0.1", "grpc.port", "0", "http.port", "0",
                "store.segment-size", "1MiB", "grpc.shutdown-grace", "1s", "broker.min-invisible", "1s",
                "controller.enabled", "false")));
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-mq-client-id", Metadata.ASCII_STRING_MARSHALLER), "metrics-test@1@0@x");
        rocketmq = MessagingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        AdminGrpc.newBlockingStub(channel).createTopic(CreateTopicRequest.newBuilder()
                .setName("orders").setType(TopicType.TOPIC_TYPE_NORMAL).setQueues(2).build());
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void countersAndGaugesFollowARealWorkload() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(rocketmq.sendMessage(send("body-" + i)).getStatus().getCode()).isEqualTo(Code.OK);
        }
        String scrape = scrape();
        assertThat(value(scrape, "rocketmq_messages_in_total", "topic=\"orders\"", "message_type=\"NORMAL\""))
                .isEqualTo(5);
        assertThat(value(scrape, "rocketmq_throughput_in_total", "topic=\"orders\"")).isEqualTo(5 * 6);
        assertThat(value(scrape, "rocketmq_rpc_latency_count", "request_code=\"SendMessage\"",
                "response_code=\"OK\"")).isEqualTo(5);
        assertThat(value(scrape, "sluice_transactions_total", "outcome=\"committed\"")).isZero();

        List<Message> received = receive(2);
        assertThat(received).hasSize(2);
        scrape = scrape();
        String labels = "consumer_group=\"workers\"";
        assertThat(value(scrape, "rocketmq_consumer_lag_messages", "topic=\"orders\"", labels)).isEqualTo(5);
        assertThat(value(scrape, "rocketmq_consumer_inflight_messages", "topic=\"orders\"", labels)).isEqualTo(2);
        assertThat(value(scrape, "rocketmq_consumer_ready_messages", "topic=\"orders\"", labels)).isEqualTo(3);
        assertThat(value(scrape, "rocketmq_messages_out_total", "topic=\"orders\"", labels)).isEqualTo(2);

        Message nacked = received.get(0);
        assertThat(rocketmq.changeInvisibleDuration(ChangeInvisibleDurationRequest.newBuilder()
                .setGroup(resource("workers")).setTopic(resource("orders"))
                .setReceiptHandle(nacked.getSystemProperties().getReceiptHandle())
                .setMessageId(nacked.getSystemProperties().getMessageId())
                .setInvisibleDuration(com.google.protobuf.Duration.getDefaultInstance()).build())
                .getStatus().getCode()).isEqualTo(Code.OK);
        receive(5);
        scrape = scrape();
        assertThat(value(scrape, "sluice_nacks_total", labels)).isEqualTo(1);
        assertThat(value(scrape, "sluice_redeliveries_total", labels)).isEqualTo(1);
        assertThat(value(scrape, "rocketmq_consumer_lag_messages", "topic=\"orders\"", labels)).isEqualTo(5);
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        rocketmq.sendMessage(send("warm-up"));
        receive(1);
        String scrape = scrape();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        Set<String> queried = dashboardMetrics();
        assertThat(queried).isNotEmpty();
        assertThat(exported).containsAll(queried);
    }

    /** Names in the dashboard's PromQL: identifiers that are neither functions nor keywords nor labels. */
    private static Set<String> dashboardMetrics() throws IOException {
        String json = Files.readString(DASHBOARD);
        Matcher expr = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        Set<String> names = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:rocketmq|sluice|jvm|process|system)_[a-z0-9_]+)\\b(?!\\s*=)");
        while (expr.find()) {
            Matcher m = metric.matcher(expr.group(1).replaceAll("\\{[^}]*}", "{}"));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private List<Message> receive(int max) {
        List<Message> messages = new ArrayList<>();
        rocketmq.withDeadlineAfter(10, TimeUnit.SECONDS).receiveMessage(ReceiveMessageRequest.newBuilder()
                        .setGroup(resource("workers"))
                        .setMessageQueue(MessageQueue.newBuilder().setTopic(resource("orders")).setId(0))
                        .setFilterExpression(FilterExpression.newBuilder().setType(FilterType.TAG).setExpression("*"))
                        .setBatchSize(max)
                        .setInvisibleDuration(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                        .setLongPollingTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5))
                        .build())
                .forEachRemaining((ReceiveMessageResponse r) -> {
                    if (r.hasMessage()) {
                        messages.add(r.getMessage());
                    }
                });
        return messages;
    }

    private static SendMessageRequest send(String body) {
        return SendMessageRequest.newBuilder().addMessages(Message.newBuilder()
                .setTopic(resource("orders"))
                .setBody(ByteString.copyFromUtf8(body))
                .setSystemProperties(SystemProperties.newBuilder()
                        .setMessageId(UUID.randomUUID().toString().replace("-", "").toUpperCase())
                        .setMessageType(MessageType.NORMAL)
                        .setBornTimestamp(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
                        .setBornHost("metrics-test")))
                .build();
    }

    private static Resource resource(String name) {
        return Resource.newBuilder().setName(name).build();
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The sample of {@code name} whose labels contain all {@code labels}. */
    private static double value(String scrape, String name, String... labels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") && List.of(labels).stream().allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + name + " with " + List.of(labels) + " in:\n" + scrape);
    }
}
