package dev.sluice.proxy.grpc;

import static dev.sluice.proxy.grpc.TestMessages.normal;
import static dev.sluice.proxy.grpc.TestMessages.request;
import static dev.sluice.proxy.grpc.TestMessages.withSystem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.FilterExpression;
import dev.sluice.proto.rmq.v2.FilterType;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.RecallMessageRequest;
import dev.sluice.proto.rmq.v2.RecallMessageResponse;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proto.rmq.v2.SendResultEntry;
import dev.sluice.store.MessageKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduledMessagesProxyTest {

    @TempDir
    Path dataDir;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness(dataDir);
        proxy.broker.createTopic(new TopicConfig("reminders", MessageKind.DELAY, 1));
        proxy.broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    private static Message.Builder delayed(String topic, String body, long dueMillis) {
        return withSystem(normal(topic, body), s -> s.setMessageType(MessageType.DELAY)
                .setDeliveryTimestamp(ProtoTime.timestamp(dueMillis)));
    }

    @Test
    void aDelayMessageIsDeliveredWhenDueWithItsDeliveryTimestamp() {
        long due = System.currentTimeMillis() + 800;
        SendMessageResponse sent = proxy.stub().sendMessage(request(delayed("reminders", "wake up", due)));
        assertThat(sent.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(sent.getEntries(0).getRecallHandle()).isNotEmpty();

        List<ReceiveMessageResponse> stream = receive("reminders", Duration.ofSeconds(6));
        long receivedAt = System.currentTimeMillis();

        assertThat(stream.get(0).getStatus().getCode()).isEqualTo(Code.OK);
        Message got = stream.get(1).getMessage();
        assertThat(got.getBody().toStringUtf8()).isEqualTo("wake up");
        assertThat(got.getSystemProperties().getMessageType()).isEqualTo(MessageType.DELAY);
        assertThat(ProtoTime.epochMillis(got.getSystemProperties().getDeliveryTimestamp())).isEqualTo(due);
        assertThat(receivedAt).isGreaterThanOrEqualTo(due);
    }

    @Test
    void aDeliveryTimeBeyondTheBrokersLimitIsIllegalDeliveryTime() {
        long tooFar = System.currentTimeMillis() + Duration.ofDays(41).toMillis();

        SendMessageResponse response = proxy.stub().sendMessage(request(delayed("reminders", "x", tooFar)));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.ILLEGAL_DELIVERY_TIME);
        assertThat(response.getStatus().getMessage()).contains("PT960H");
        assertThat(response.getEntriesList()).extracting(e -> e.getStatus().getCode())
                .containsExactly(Code.ILLEGAL_DELIVERY_TIME);
        long inTwoWeeks = System.currentTimeMillis() + Duration.ofDays(14).toMillis();
        assertThat(proxy.stub().sendMessage(request(delayed("reminders", "y", inTwoWeeks))).getStatus().getCode())
                .as("beyond the reference proxy's 1 day, within our 40").isEqualTo(Code.OK);
    }

    @Test
    void aDelayMessageToANormalTopicConflictsWithItsType() {
        SendMessageResponse response = proxy.stub().sendMessage(request(
                delayed("orders", "x", System.currentTimeMillis() + 5000)));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE);
    }

    @Test
    void recallCancelsAPendingMessageAndRefusesClearlyAfterwards() {
        Message.Builder message = delayed("reminders", "cancel me", System.currentTimeMillis() + 60_000);
        SendResultEntry sent = proxy.stub().sendMessage(request(message)).getEntries(0);

        RecallMessageResponse recalled = proxy.stub().recallMessage(recall("reminders", sent.getRecallHandle()));
        RecallMessageResponse again = proxy.stub().recallMessage(recall("reminders", sent.getRecallHandle()));
        RecallMessageResponse malformed = proxy.stub().recallMessage(recall("reminders", "garbage"));
        RecallMessageResponse missing = proxy.stub().recallMessage(recall("reminders", ""));

        assertThat(recalled.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(recalled.getMessageId()).isEqualTo(message.getSystemProperties().getMessageId());
        assertThat(again.getStatus().getCode()).isEqualTo(Code.MESSAGE_NOT_FOUND);
        assertThat(again.getStatus().getMessage()).contains("delivered, recalled, or never sent");
        assertThat(malformed.getStatus().getCode()).isEqualTo(Code.BAD_REQUEST);
        assertThat(missing.getStatus().getCode()).isEqualTo(Code.BAD_REQUEST);
        assertThat(proxy.broker.pendingTimers("reminders")).isEmpty();
    }

    private static RecallMessageRequest recall(String topic, String handle) {
        return RecallMessageRequest.newBuilder().setTopic(ProxyHarness.resource(topic)).setRecallHandle(handle).build();
    }

    private List<ReceiveMessageResponse> receive(String topic, Duration deadline) {
        ReceiveMessageRequest request = ReceiveMessageRequest.newBuilder()
                .setGroup(ProxyHarness.resource("reminder-workers"))
                .setMessageQueue(MessageQueue.newBuilder().setTopic(ProxyHarness.resource(topic)).setId(0))
                .setFilterExpression(FilterExpression.newBuilder().setType(FilterType.TAG).setExpression("*"))
                .setBatchSize(16)
                .setInvisibleDuration(ProtoTime.duration(Duration.ofSeconds(30)))
                .setLongPollingTimeout(ProtoTime.duration(Duration.ofSeconds(20)))
                .build();
        List<ReceiveMessageResponse> stream = new ArrayList<>();
        proxy.stub().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .receiveMessage(request).forEachRemaining(stream::add);
        return stream;
    }
}
