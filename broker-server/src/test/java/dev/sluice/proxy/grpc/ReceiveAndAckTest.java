package dev.sluice.proxy.grpc;

import static dev.sluice.proxy.grpc.TestMessages.normal;
import static dev.sluice.proxy.grpc.TestMessages.request;
import static dev.sluice.proxy.grpc.TestMessages.withSystem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.rmq.v2.AckMessageEntry;
import dev.sluice.proto.rmq.v2.AckMessageRequest;
import dev.sluice.proto.rmq.v2.AckMessageResponse;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationRequest;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationResponse;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.DigestType;
import dev.sluice.proto.rmq.v2.Encoding;
import dev.sluice.proto.rmq.v2.FilterExpression;
import dev.sluice.proto.rmq.v2.ForwardMessageToDeadLetterQueueRequest;
import dev.sluice.proto.rmq.v2.ForwardMessageToDeadLetterQueueResponse;
import dev.sluice.proto.rmq.v2.FilterType;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.SystemProperties;
import dev.sluice.store.MessageKind;
import io.grpc.Context;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiveAndAckTest {

    static final String GROUP = "workers";

    @TempDir
    Path dataDir;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness(dataDir);
        proxy.broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 2));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    @Test
    void sentMessageIsReceivedWithEverythingTheClientReadsThenAcked() {
        Message.Builder sent = normal("orders", "payload-1");
        assertThat(proxy.stub().sendMessage(request(sent)).getStatus().getCode()).isEqualTo(Code.OK);

        List<ReceiveMessageResponse> stream = receive(simpleReceive("*"), Duration.ofSeconds(4));

        assertThat(stream.get(0).getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(stream).hasSize(2);
        Message got = stream.get(1).getMessage();
        SystemProperties system = got.getSystemProperties();
        assertThat(got.getTopic().getName()).isEqualTo("orders");
        assertThat(got.getBody().toStringUtf8()).isEqualTo("payload-1");
        assertThat(got.getUserPropertiesMap()).containsEntry("color", "blue");
        assertThat(system.getMessageId()).isEqualTo(sent.getSystemProperties().getMessageId());
        assertThat(system.getTag()).isEqualTo("tagA");
        assertThat(system.getKeysList()).containsExactly("key-1");
        assertThat(system.getBodyDigest().getType()).isEqualTo(DigestType.MD5);
        assertThat(system.getBodyDigest().getChecksum())
                .isEqualTo(MessageConverter.md5UpperHex("payload-1".getBytes(StandardCharsets.UTF_8)))
                .isUpperCase();
        assertThat(system.getBodyEncoding()).isEqualTo(Encoding.IDENTITY);
        assertThat(system.getMessageType()).isEqualTo(MessageType.NORMAL);
        assertThat(system.getBornHost()).isEqualTo("producer-host");
        assertThat(system.getBornTimestamp()).isEqualTo(sent.getSystemProperties().getBornTimestamp());
        assertThat(system.hasStoreTimestamp()).isTrue();
        assertThat(system.getStoreHost()).isNotEmpty();
        assertThat(system.getQueueId()).isBetween(0, 1);
        assertThat(system.hasQueueOffset()).isTrue();
        assertThat(system.getReceiptHandle()).isNotEmpty();
        assertThat(system.getDeliveryAttempt()).isEqualTo(1);
        assertThat(system.getStoreTimestamp().getSeconds()).isPositive();
        assertThat(system.hasDeliveryTimestamp()).isFalse();

        AckMessageResponse ack = proxy.stub().ackMessage(ack(system));
        assertThat(ack.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(ack.getEntriesList()).singleElement()
                .satisfies(e -> assertThat(e.getStatus().getCode()).isEqualTo(Code.OK));

        List<ReceiveMessageResponse> after = receive(simpleReceive("*"), Duration.ofMillis(1500));
        assertThat(after).singleElement()
                .satisfies(r -> assertThat(r.getStatus().getCode()).isEqualTo(Code.MESSAGE_NOT_FOUND));
    }

    @Test
    void emptyQueueAnswersMessageNotFoundBeforeTheDeadline() {
        // the client asks for a 20 s poll but allows 1.5 s: anything but an answer in time fails the call
        List<ReceiveMessageResponse> stream = receive(simpleReceive("*"), Duration.ofMillis(1500));

        assertThat(stream).singleElement()
                .satisfies(r -> assertThat(r.getStatus().getCode()).isEqualTo(Code.MESSAGE_NOT_FOUND));
    }

    @Test
    void tagFilterDeliversOnlyMatchingMessages() {
        proxy.stub().sendMessage(request(withSystem(normal("orders", "red"), s -> s.setTag("red"))));
        proxy.stub().sendMessage(request(withSystem(normal("orders", "green"), s -> s.setTag("green"))));

        List<ReceiveMessageResponse> stream = receive(simpleReceive("green || blue"), Duration.ofSeconds(4));

        assertThat(stream.get(0).getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(stream.subList(1, stream.size())).extracting(r -> r.getMessage().getBody().toStringUtf8())
                .containsExactly("green");
    }

    @Test
    void invisibleDurationOutsideTheRangeIsRefused() {
        ReceiveMessageRequest tooShort = simpleReceive("*").toBuilder()
                .setInvisibleDuration(ProtoTime.duration(Duration.ofSeconds(1))).build();
        ReceiveMessageRequest tooLong = simpleReceive("*").toBuilder()
                .setInvisibleDuration(ProtoTime.duration(Duration.ofHours(13))).build();
        ReceiveMessageRequest missing = simpleReceive("*").toBuilder().clearInvisibleDuration().build();

        for (ReceiveMessageRequest request : List.of(tooShort, tooLong, missing)) {
            assertThat(receive(request, Duration.ofSeconds(4))).singleElement()
                    .satisfies(r -> assertThat(r.getStatus().getCode()).isEqualTo(Code.ILLEGAL_INVISIBLE_TIME));
        }
    }

    @Test
    void sqlFilterIsRefusedClearly() {
        ReceiveMessageRequest request = simpleReceive("*").toBuilder()
                .setFilterExpression(FilterExpression.newBuilder().setType(FilterType.SQL).setExpression("a > 1"))
                .build();

        List<ReceiveMessageResponse> stream = receive(request, Duration.ofSeconds(4));

        assertThat(stream).singleElement().satisfies(r -> {
            assertThat(r.getStatus().getCode()).isEqualTo(Code.UNSUPPORTED);
            assertThat(r.getStatus().getMessage()).contains("TAG");
        });
    }

    @Test
    void deadlineTooShortToAnswerIsAnIllegalPollingTime() {
        List<ReceiveMessageResponse> stream = receive(simpleReceive("*"), Duration.ofMillis(300));

        assertThat(stream).singleElement()
                .satisfies(r -> assertThat(r.getStatus().getCode()).isEqualTo(Code.ILLEGAL_POLLING_TIME));
    }

    @Test
    void receiveWithoutClientIdIsRefused() {
        List<ReceiveMessageResponse> stream = new ArrayList<>();
        proxy.anonymousStub().receiveMessage(simpleReceive("*")).forEachRemaining(stream::add);

        assertThat(stream).singleElement()
                .satisfies(r -> assertThat(r.getStatus().getCode()).isEqualTo(Code.CLIENT_ID_REQUIRED));
    }

    @Test
    void unknownReceiptHandleIsInvalid() {
        AckMessageResponse ack = proxy.stub().ackMessage(AckMessageRequest.newBuilder()
                .setGroup(ProxyHarness.resource(GROUP))
                .setTopic(ProxyHarness.resource("orders"))
                .addEntries(AckMessageEntry.newBuilder().setMessageId("01AB").setReceiptHandle("not-a-handle"))
                .build());

        assertThat(ack.getStatus().getCode()).isEqualTo(Code.INVALID_RECEIPT_HANDLE);
        assertThat(ack.getEntries(0).getStatus().getCode()).isEqualTo(Code.INVALID_RECEIPT_HANDLE);
    }

    @Test
    void secondAckOfTheSameDeliveryIsInvalid() {
        SystemProperties delivered = sendAndReceiveOne("once");

        assertThat(proxy.stub().ackMessage(ack(delivered)).getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(proxy.stub().ackMessage(ack(delivered)).getStatus().getCode()).isEqualTo(Code.INVALID_RECEIPT_HANDLE);
    }

    @Test
    void changedInvisibleDurationGivesAHandleThatAcks() {
        SystemProperties delivered = sendAndReceiveOne("slow");

        ChangeInvisibleDurationResponse changed = proxy.stub().changeInvisibleDuration(
                change(delivered.getReceiptHandle(), Duration.ofSeconds(30), delivered.getMessageId()));

        assertThat(changed.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(changed.getReceiptHandle()).isNotEmpty();
        SystemProperties renewed = delivered.toBuilder().setReceiptHandle(changed.getReceiptHandle()).build();
        assertThat(proxy.stub().ackMessage(ack(renewed)).getStatus().getCode()).isEqualTo(Code.OK);
    }

    @Test
    void nackedMessageComesBackWithTheNextAttempt() {
        SystemProperties delivered = sendAndReceiveOne("retry-me");

        ChangeInvisibleDurationResponse nack = proxy.stub().changeInvisibleDuration(
                change(delivered.getReceiptHandle(), Duration.ZERO, delivered.getMessageId()));
        assertThat(nack.getStatus().getCode()).isEqualTo(Code.OK);

        List<ReceiveMessageResponse> again = receive(simpleReceive("*"), Duration.ofSeconds(4));
        assertThat(again).hasSize(2);
        SystemProperties redelivered = again.get(1).getMessage().getSystemProperties();
        assertThat(redelivered.getMessageId()).isEqualTo(delivered.getMessageId());
        assertThat(redelivered.getDeliveryAttempt()).isEqualTo(2);
    }

    @Test
    void suspendedChangeDoesNotCountAsAnAttempt() {
        SystemProperties delivered = sendAndReceiveOne("thinking");

        ChangeInvisibleDurationResponse suspend = proxy.stub().changeInvisibleDuration(
                change(delivered.getReceiptHandle(), Duration.ZERO, delivered.getMessageId()).toBuilder()
                        .setSuspend(true).build());
        assertThat(suspend.getStatus().getCode()).isEqualTo(Code.OK);

        List<ReceiveMessageResponse> again = receive(simpleReceive("*"), Duration.ofSeconds(4));
        assertThat(again.get(1).getMessage().getSystemProperties().getDeliveryAttempt()).isEqualTo(1);
    }

    @Test
    void forwardedMessageMovesToTheDeadLetterTopicAndNamesItsOrigin() {
        SystemProperties delivered = sendAndReceiveOne("poison");

        ForwardMessageToDeadLetterQueueResponse forwarded = proxy.stub().forwardMessageToDeadLetterQueue(
                ForwardMessageToDeadLetterQueueRequest.newBuilder()
                        .setGroup(ProxyHarness.resource(GROUP))
                        .setTopic(ProxyHarness.resource("orders"))
                        .setReceiptHandle(delivered.getReceiptHandle())
                        .setMessageId(delivered.getMessageId())
                        .setDeliveryAttempt(1)
                        .setMaxDeliveryAttempts(1)
                        .build());
        assertThat(forwarded.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(proxy.stub().ackMessage(ack(delivered)).getStatus().getCode()).isEqualTo(Code.INVALID_RECEIPT_HANDLE);

        List<ReceiveMessageResponse> dead = receive(simpleReceive("*").toBuilder()
                .setGroup(ProxyHarness.resource("auditors"))
                .setMessageQueue(MessageQueue.newBuilder().setTopic(ProxyHarness.resource("%DLQ%" + GROUP)))
                .build(), Duration.ofSeconds(4));
        assertThat(dead).hasSize(2);
        SystemProperties copy = dead.get(1).getMessage().getSystemProperties();
        assertThat(copy.getMessageId()).isEqualTo(delivered.getMessageId());
        assertThat(copy.getDeadLetterQueue().getTopic()).isEqualTo("orders");
        assertThat(copy.getDeadLetterQueue().getMessageId()).isEqualTo(delivered.getMessageId());
        assertThat(dead.get(1).getMessage().getBody().toStringUtf8()).isEqualTo("poison");
    }

    @Test
    void failedChangeOfInvisibleDurationEchoesTheOriginalHandle() {
        ChangeInvisibleDurationResponse unknown = proxy.stub().changeInvisibleDuration(
                change("not-a-handle", Duration.ofSeconds(30), "01AB"));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Code.INVALID_RECEIPT_HANDLE);
        assertThat(unknown.getReceiptHandle()).isEqualTo("not-a-handle");

        SystemProperties delivered = sendAndReceiveOne("keep-my-handle");
        ChangeInvisibleDurationResponse outOfRange = proxy.stub().changeInvisibleDuration(
                change(delivered.getReceiptHandle(), Duration.ofHours(13), delivered.getMessageId()));
        assertThat(outOfRange.getStatus().getCode()).isEqualTo(Code.ILLEGAL_INVISIBLE_TIME);
        assertThat(outOfRange.getReceiptHandle()).isEqualTo(delivered.getReceiptHandle());

        ChangeInvisibleDurationResponse noClient = proxy.anonymousStub().changeInvisibleDuration(
                change(delivered.getReceiptHandle(), Duration.ofSeconds(30), delivered.getMessageId()));
        assertThat(noClient.getStatus().getCode()).isEqualTo(Code.CLIENT_ID_REQUIRED);
        assertThat(noClient.getReceiptHandle()).isEqualTo(delivered.getReceiptHandle());
    }

    @Test
    void pushConsumerReceiveNeedsNoInvisibleDuration() {
        proxy.stub().sendMessage(request(normal("orders", "pushed")));
        ReceiveMessageRequest push = simpleReceive("*").toBuilder()
                .clearInvisibleDuration()
                .setAutoRenew(true)
                .setAttemptId("attempt-1")
                .build();

        List<ReceiveMessageResponse> stream = receive(push, Duration.ofSeconds(4));

        assertThat(stream.get(0).getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(stream.subList(1, stream.size())).extracting(r -> r.getMessage().getBody().toStringUtf8())
                .containsExactly("pushed");
    }

    @Test
    void messageArrivingAfterTheClientCancelledItsReceiveIsNotLost() throws Exception {
        RecordingObserver<ReceiveMessageResponse> cancelled = new RecordingObserver<>();
        Context.CancellableContext call = Context.current().withCancellation();
        // the shortest invisible time the broker allows, for the case below where the server cannot tell
        ReceiveMessageRequest shortInvisible = simpleReceive("*").toBuilder()
                .setInvisibleDuration(ProtoTime.duration(BrokerConfig.DEFAULT.minInvisible())).build();
        call.run(() -> proxy.asyncStub(ProxyHarness.CLIENT_ID).withDeadlineAfter(10, TimeUnit.SECONDS)
                .receiveMessage(shortInvisible, cancelled));
        call.cancel(null);
        assertThat(cancelled.closed).failsWithin(5, TimeUnit.SECONDS);

        Message.Builder sent = normal("orders", "after-cancel");
        proxy.stub().sendMessage(request(sent));

        // A message popped for the cancelled call is released at once. On a busy machine the server may
        // learn of the cancellation only after answering it; then the message comes back when its
        // invisible time runs out. Either way this receive gets it.
        List<ReceiveMessageResponse> stream = receive(simpleReceive("*"),
                BrokerConfig.DEFAULT.minInvisible().plusSeconds(5));
        assertThat(stream).hasSize(2);
        assertThat(stream.get(1).getMessage().getSystemProperties().getMessageId())
                .isEqualTo(sent.getSystemProperties().getMessageId());
    }

    private SystemProperties sendAndReceiveOne(String body) {
        assertThat(proxy.stub().sendMessage(request(normal("orders", body))).getStatus().getCode()).isEqualTo(Code.OK);
        List<ReceiveMessageResponse> stream = receive(simpleReceive("*"), Duration.ofSeconds(4));
        assertThat(stream).hasSize(2);
        return stream.get(1).getMessage().getSystemProperties();
    }

    /** A receive as the SimpleConsumer sends it; the deadline stands for awaitDuration + requestTimeout. */
    private List<ReceiveMessageResponse> receive(ReceiveMessageRequest request, Duration deadline) {
        List<ReceiveMessageResponse> stream = new ArrayList<>();
        proxy.stub().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .receiveMessage(request).forEachRemaining(stream::add);
        return stream;
    }

    private static ReceiveMessageRequest simpleReceive(String tagExpression) {
        return ReceiveMessageRequest.newBuilder()
                .setGroup(ProxyHarness.resource(GROUP))
                .setMessageQueue(MessageQueue.newBuilder().setTopic(ProxyHarness.resource("orders")).setId(0))
                .setFilterExpression(FilterExpression.newBuilder().setType(FilterType.TAG).setExpression(tagExpression))
                .setBatchSize(16)
                .setInvisibleDuration(ProtoTime.duration(Duration.ofSeconds(30)))
                .setAutoRenew(false)
                .setLongPollingTimeout(ProtoTime.duration(Duration.ofSeconds(20)))
                .build();
    }

    private static AckMessageRequest ack(SystemProperties delivered) {
        return AckMessageRequest.newBuilder()
                .setGroup(ProxyHarness.resource(GROUP))
                .setTopic(ProxyHarness.resource("orders"))
                .addEntries(AckMessageEntry.newBuilder()
                        .setMessageId(delivered.getMessageId())
                        .setReceiptHandle(delivered.getReceiptHandle()))
                .build();
    }

    private static ChangeInvisibleDurationRequest change(String handle, Duration duration, String messageId) {
        return ChangeInvisibleDurationRequest.newBuilder()
                .setGroup(ProxyHarness.resource(GROUP))
                .setTopic(ProxyHarness.resource("orders"))
                .setReceiptHandle(handle)
                .setInvisibleDuration(ProtoTime.duration(duration))
                .setMessageId(messageId)
                .build();
    }
}
