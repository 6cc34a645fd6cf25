package dev.sluice.proxy.grpc;

import static dev.sluice.proxy.grpc.TestMessages.normal;
import static dev.sluice.proxy.grpc.TestMessages.request;
import static dev.sluice.proxy.grpc.TestMessages.withSystem;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proto.rmq.v2.SendResultEntry;
import dev.sluice.store.MessageKind;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendMessageTest {

    @TempDir
    Path dataDir;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness(dataDir);
        proxy.broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 2));
        proxy.broker.createTopic(new TopicConfig("ledger", MessageKind.FIFO, 2));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    @Test
    void sentMessageIsAnsweredWithItsOwnIdAndAnOffset() {
        Message.Builder message = normal("orders", "hello");

        SendMessageResponse response = proxy.stub().sendMessage(request(message));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(response.getEntriesList()).singleElement().satisfies(entry -> {
            assertThat(entry.getStatus().getCode()).isEqualTo(Code.OK);
            assertThat(entry.getMessageId()).isEqualTo(message.getSystemProperties().getMessageId());
            assertThat(entry.getOffset()).isGreaterThanOrEqualTo(0);
            assertThat(entry.getTransactionId()).isEmpty();
        });
    }

    @Test
    void batchGetsOneEntryPerMessage() {
        Message.Builder first = normal("orders", "one");
        Message.Builder second = normal("orders", "two");

        SendMessageResponse response = proxy.stub().sendMessage(request(first, second));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(response.getEntriesList()).extracting(SendResultEntry::getMessageId).containsExactly(
                first.getSystemProperties().getMessageId(), second.getSystemProperties().getMessageId());
    }

    @Test
    void fifoMessageWithGroupIsAcceptedOnFifoTopic() {
        SendMessageResponse response = proxy.stub().sendMessage(request(withSystem(normal("ledger", "x"),
                s -> s.setMessageType(MessageType.FIFO).setMessageGroup("account-17"))));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.OK);
    }

    @Test
    void unknownTopicIsNotFound() {
        assertRefused(request(normal("no-such-topic", "x")), Code.TOPIC_NOT_FOUND);
    }

    @Test
    void messageTypeTheTopicDoesNotAcceptIsAConflict() {
        assertRefused(request(withSystem(normal("orders", "x"),
                s -> s.setMessageType(MessageType.FIFO).setMessageGroup("g"))), Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE);
    }

    @Test
    void bodyOverTheLimitIsTooLarge() {
        ByteString body = ByteString.copyFrom(new byte[proxy.config.maxBodyBytes() + 1]);

        assertRefused(request(normal("orders", "x").setBody(body)), Code.MESSAGE_BODY_TOO_LARGE);
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        ByteString body = ByteString.copyFrom(new byte[proxy.config.maxBodyBytes()]);

        assertThat(proxy.stub().sendMessage(request(normal("orders", "x").setBody(body))).getStatus().getCode())
                .isEqualTo(Code.OK);
    }

    @Test
    void emptyBodyIsRefused() {
        assertRefused(request(normal("orders", "x").setBody(ByteString.EMPTY)), Code.MESSAGE_BODY_EMPTY);
    }

    @Test
    void illegalTopicNamesAreRefused() {
        assertRefused(request(normal("bad topic", "x")), Code.ILLEGAL_TOPIC);
        assertRefused(request(normal("%DLQ%workers", "x")), Code.ILLEGAL_TOPIC);
    }

    @Test
    void illegalTagsAreRefused() {
        assertRefused(request(withSystem(normal("orders", "x"), s -> s.setTag("a|b"))), Code.ILLEGAL_MESSAGE_TAG);
        assertRefused(request(withSystem(normal("orders", "x"), s -> s.setTag(" "))), Code.ILLEGAL_MESSAGE_TAG);
        assertRefused(request(withSystem(normal("orders", "x"), s -> s.setTag("a\u0001"))), Code.ILLEGAL_MESSAGE_TAG);
    }

    @Test
    void illegalKeysAreRefused() {
        assertRefused(request(withSystem(normal("orders", "x"), s -> s.addKeys(""))), Code.ILLEGAL_MESSAGE_KEY);
        assertRefused(request(withSystem(normal("orders", "x"), s -> s.addKeys("k\n"))), Code.ILLEGAL_MESSAGE_KEY);
    }

    @Test
    void reservedOrControlPropertyKeysAreRefused() {
        assertRefused(request(normal("orders", "x").putUserProperties("UNIQ_KEY", "v")), Code.ILLEGAL_MESSAGE_PROPERTY_KEY);
        assertRefused(request(normal("orders", "x").putUserProperties("TAGS", "v")), Code.ILLEGAL_MESSAGE_PROPERTY_KEY);
        assertRefused(request(normal("orders", "x").putUserProperties("a\tb", "v")), Code.ILLEGAL_MESSAGE_PROPERTY_KEY);
    }

    @Test
    void tooManyOrTooLargePropertiesAreRefused() {
        Message.Builder many = normal("orders", "x");
        IntStream.range(0, 129).forEach(i -> many.putUserProperties("p" + i, "v"));
        assertRefused(request(many), Code.MESSAGE_PROPERTIES_TOO_LARGE);

        Message.Builder large = normal("orders", "x").putUserProperties("big", "v".repeat(16 * 1024));
        assertRefused(request(large), Code.MESSAGE_PROPERTIES_TOO_LARGE);
    }

    @Test
    void blankMessageIdIsRefused() {
        assertRefused(request(withSystem(normal("orders", "x"), s -> s.setMessageId(" "))), Code.ILLEGAL_MESSAGE_ID);
    }

    @Test
    void messageGroupOver63BytesIsRefused() {
        assertRefused(request(withSystem(normal("ledger", "x"),
                s -> s.setMessageType(MessageType.FIFO).setMessageGroup("g".repeat(64)))), Code.ILLEGAL_MESSAGE_GROUP);
    }

    @Test
    void requestWithoutMessagesIsABadRequest() {
        SendMessageResponse response = proxy.stub().sendMessage(SendMessageRequest.getDefaultInstance());

        assertThat(response.getStatus().getCode()).isEqualTo(Code.BAD_REQUEST);
    }

    @Test
    void batchMixingTopicsIsABadRequest() {
        assertRefused(request(normal("orders", "x"), normal("ledger", "y")), Code.BAD_REQUEST);
    }

    @Test
    void sendWithoutClientIdIsRefusedWithOneEntryPerMessage() {
        SendMessageResponse response = proxy.anonymousStub().sendMessage(request(normal("orders", "x")));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.CLIENT_ID_REQUIRED);
        assertThat(response.getEntriesList()).hasSize(1);
    }

    /** A refusal still carries one entry per message with the same code, or the Java client reports an internal error. */
    private void assertRefused(SendMessageRequest request, Code expected) {
        SendMessageResponse response = proxy.stub().sendMessage(request);

        assertThat(response.getStatus().getCode()).as(response.getStatus().getMessage()).isEqualTo(expected);
        assertThat(response.getStatus().getMessage()).isNotBlank();
        assertThat(response.getEntriesList()).hasSize(request.getMessagesCount())
                .allSatisfy(entry -> assertThat(entry.getStatus().getCode()).isEqualTo(expected));
        assertThat(response.getEntriesList()).extracting(SendResultEntry::getMessageId).containsExactlyElementsOf(
                request.getMessagesList().stream().map(m -> m.getSystemProperties().getMessageId()).toList());
    }
}
