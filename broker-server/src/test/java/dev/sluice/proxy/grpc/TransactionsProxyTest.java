package dev.sluice.proxy.grpc;

import static dev.sluice.proxy.grpc.TestMessages.normal;
import static dev.sluice.proxy.grpc.TestMessages.request;
import static dev.sluice.proxy.grpc.TestMessages.withSystem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.TopicConfig;
import dev.sluice.broker.TransactionPolicy;
import dev.sluice.proto.rmq.v2.ClientType;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.EndTransactionRequest;
import dev.sluice.proto.rmq.v2.ExponentialBackoff;
import dev.sluice.proto.rmq.v2.FilterExpression;
import dev.sluice.proto.rmq.v2.FilterType;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.Publishing;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.RecoverOrphanedTransactionCommand;
import dev.sluice.proto.rmq.v2.SendResultEntry;
import dev.sluice.proto.rmq.v2.Settings;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import dev.sluice.proto.rmq.v2.TransactionResolution;
import dev.sluice.proto.rmq.v2.TransactionSource;
import dev.sluice.store.MessageKind;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionsProxyTest {

    private static final TransactionPolicy FAST = new TransactionPolicy(Duration.ofMillis(300), Duration.ofSeconds(5),
            Duration.ofSeconds(5), 15, Duration.ofHours(1));

    @TempDir
    Path dataDir;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness(dataDir, BrokerConfig.DEFAULT.withTransactions(FAST));
        proxy.broker.createTopic(new TopicConfig("payments", MessageKind.TRANSACTION, 1));
        proxy.broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 1));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    private static Message.Builder transactional(String topic, String body) {
        return withSystem(normal(topic, body), s -> s.setMessageType(MessageType.TRANSACTION));
    }

    private SendResultEntry sendHalf(Message.Builder message) {
        SendResultEntry entry = proxy.stub().sendMessage(request(message)).getEntries(0);
        assertThat(entry.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(entry.getTransactionId()).isNotEmpty();
        return entry;
    }

    private StreamObserver<TelemetryCommand> producerSession(String clientId, RecordingObserver<TelemetryCommand> in)
            throws InterruptedException {
        StreamObserver<TelemetryCommand> stream = proxy.asyncStub(clientId).telemetry(in);
        stream.onNext(TelemetryCommand.newBuilder().setSettings(Settings.newBuilder()
                .setClientType(ClientType.PRODUCER)
                .setAccessPoint(ProxyHarness.ENDPOINTS)
                .setBackoffPolicy(dev.sluice.proto.rmq.v2.RetryPolicy.newBuilder().setMaxAttempts(3)
                        .setExponentialBackoff(ExponentialBackoff.newBuilder().setMultiplier(1)))
                .setPublishing(Publishing.newBuilder().addTopics(ProxyHarness.resource("payments"))))
                .build());
        assertThat(in.next().getStatus().getCode()).isEqualTo(Code.OK);
        return stream;
    }

    private Code end(String topic, String messageId, String transactionId, TransactionResolution resolution,
                     TransactionSource source) {
        return proxy.stub().endTransaction(EndTransactionRequest.newBuilder()
                .setTopic(ProxyHarness.resource(topic)).setMessageId(messageId).setTransactionId(transactionId)
                .setResolution(resolution).setSource(source).build()).getStatus().getCode();
    }

    @Test
    void theSendingProducerIsAskedAndItsCheckAnswerCommitsTheMessage() throws Exception {
        RecordingObserver<TelemetryCommand> commands = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> session = producerSession(ProxyHarness.CLIENT_ID, commands);
        Message.Builder message = transactional("payments", "charge 10");
        SendResultEntry half = sendHalf(message);
        assertThat(receive()).as("invisible until committed").isEmpty();

        RecoverOrphanedTransactionCommand check = commands.next().getRecoverOrphanedTransactionCommand();

        assertThat(check.getTransactionId()).isEqualTo(half.getTransactionId());
        assertThat(check.getMessage().getTopic().getName()).isEqualTo("payments");
        assertThat(check.getMessage().getSystemProperties().getMessageId()).isEqualTo(half.getMessageId());
        assertThat(check.getMessage().getBody().toStringUtf8()).isEqualTo("charge 10");
        assertThat(end("payments", half.getMessageId(), check.getTransactionId(), TransactionResolution.COMMIT,
                TransactionSource.SOURCE_SERVER_CHECK)).isEqualTo(Code.OK);
        assertThat(receive()).extracting(m -> m.getBody().toStringUtf8()).containsExactly("charge 10");
        session.onCompleted();
    }

    @Test
    void anotherProducerOfTheTopicIsAskedWhenTheSenderIsGone() throws Exception {
        RecordingObserver<TelemetryCommand> commands = new RecordingObserver<>();
        StreamObserver<TelemetryCommand> session = producerSession("other-producer@1@0@x", commands);

        SendResultEntry half = sendHalf(transactional("payments", "refund 3"));

        assertThat(commands.next().getRecoverOrphanedTransactionCommand().getTransactionId())
                .isEqualTo(half.getTransactionId());
        session.onCompleted();
    }

    @Test
    void endTransactionAnswersEveryCaseWithTheProtocolsCode() {
        SendResultEntry committed = sendHalf(transactional("payments", "a"));
        SendResultEntry rolledBack = sendHalf(transactional("payments", "b"));
        String id = committed.getMessageId();

        assertThat(end("payments", id, committed.getTransactionId(), TransactionResolution.COMMIT,
                TransactionSource.SOURCE_CLIENT)).isEqualTo(Code.OK);
        assertThat(end("payments", id, committed.getTransactionId(), TransactionResolution.COMMIT,
                TransactionSource.SOURCE_CLIENT)).as("repeated").isEqualTo(Code.OK);
        assertThat(end("payments", id, committed.getTransactionId(), TransactionResolution.ROLLBACK,
                TransactionSource.SOURCE_CLIENT)).as("late opposite").isEqualTo(Code.INVALID_TRANSACTION_ID);
        assertThat(end("payments", rolledBack.getMessageId(), rolledBack.getTransactionId(),
                TransactionResolution.ROLLBACK, TransactionSource.SOURCE_CLIENT)).isEqualTo(Code.OK);
        assertThat(end("payments", id, "", TransactionResolution.COMMIT, TransactionSource.SOURCE_CLIENT))
                .isEqualTo(Code.INVALID_TRANSACTION_ID);
        assertThat(end("payments", id, "no-such-transaction", TransactionResolution.COMMIT,
                TransactionSource.SOURCE_CLIENT)).isEqualTo(Code.INVALID_TRANSACTION_ID);
        assertThat(end("payments", id, committed.getTransactionId(),
                TransactionResolution.TRANSACTION_RESOLUTION_UNSPECIFIED, TransactionSource.SOURCE_CLIENT))
                .isEqualTo(Code.BAD_REQUEST);
        assertThat(receive()).extracting(m -> m.getBody().toStringUtf8()).containsExactly("a");
    }

    @Test
    void aTransactionalMessageToANormalTopicConflictsWithItsType() {
        assertThat(proxy.stub().sendMessage(request(transactional("orders", "x"))).getStatus().getCode())
                .isEqualTo(Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE);
    }

    @Test
    void aFirstCheckDelayBeyondAnHourIsABadRequest() {
        Message.Builder message = withSystem(transactional("payments", "x"), s -> s
                .setOrphanedTransactionRecoveryDuration(ProtoTime.duration(Duration.ofHours(2))));

        assertThat(proxy.stub().sendMessage(request(message)).getStatus().getCode()).isEqualTo(Code.BAD_REQUEST);
    }

    private List<Message> receive() {
        ReceiveMessageRequest request = ReceiveMessageRequest.newBuilder()
                .setGroup(ProxyHarness.resource("ledger"))
                .setMessageQueue(MessageQueue.newBuilder().setTopic(ProxyHarness.resource("payments")).setId(0))
                .setFilterExpression(FilterExpression.newBuilder().setType(FilterType.TAG).setExpression("*"))
                .setBatchSize(16)
                .setInvisibleDuration(ProtoTime.duration(Duration.ofSeconds(30)))
                .setLongPollingTimeout(ProtoTime.duration(Duration.ofSeconds(20)))
                .build();
        List<Message> messages = new ArrayList<>();
        proxy.stub().withDeadlineAfter(1500, TimeUnit.MILLISECONDS).receiveMessage(request)
                .forEachRemaining(r -> {
                    if (r.hasMessage()) {
                        messages.add(r.getMessage());
                    }
                });
        return messages;
    }
}
