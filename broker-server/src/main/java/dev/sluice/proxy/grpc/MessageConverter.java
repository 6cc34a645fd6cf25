package dev.sluice.proxy.grpc;

import dev.sluice.broker.dlq.DeadLetterProperties;
import com.google.protobuf.ByteString;
import dev.sluice.broker.Delivery;
import dev.sluice.proto.rmq.v2.Digest;
import dev.sluice.proto.rmq.v2.DigestType;
import dev.sluice.proto.rmq.v2.Encoding;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.Resource;
import dev.sluice.proto.rmq.v2.DeadLetterQueue;
import dev.sluice.proto.rmq.v2.SystemProperties;
import dev.sluice.broker.tx.TransactionService;
import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.StoredMessage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** Converts wire messages into store records on send, and deliveries into wire messages on receive. */
final class MessageConverter {

    /**
     * Wire fields the store has no column for but a consumer must get back unchanged, kept in
     * the record's system properties (apart from user properties, so neither can spoof the other).
     */
    static final String TRACE_CONTEXT = "rmq.traceContext";
    static final String BODY_ENCODING = "rmq.bodyEncoding";

    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private final String storeHost;

    MessageConverter(String storeHost) {
        this.storeHost = storeHost;
    }

    /** A validated wire message as the broker stores it; the broker picks the queue. */
    MessageRecord toRecord(Message message, ClientMetadata client, long nowMillis) {
        SystemProperties system = message.getSystemProperties();
        Map<String, String> carried = new HashMap<>();
        if (system.hasTraceContext()) {
            carried.put(TRACE_CONTEXT, system.getTraceContext());
        }
        if (system.getBodyEncoding() == Encoding.GZIP) {
            carried.put(BODY_ENCODING, Encoding.GZIP.name());
        }
        MessageKind kind = MessageTypes.kind(system);
        if (kind == MessageKind.TRANSACTION) {
            // the producer to ask first when the transaction is left unresolved
            carried.put(TransactionService.PRODUCER, client.clientId());
            if (system.hasOrphanedTransactionRecoveryDuration()) {
                carried.put(TransactionService.FIRST_CHECK_MILLIS,
                        Long.toString(ProtoTime.duration(system.getOrphanedTransactionRecoveryDuration()).toMillis()));
            }
        }
        return new MessageRecord(
                message.getTopic().getName(),
                system.getQueueId(),
                system.getMessageId(),
                kind,
                system.hasTag() ? system.getTag() : "",
                system.getKeysList(),
                system.hasMessageGroup() ? system.getMessageGroup() : "",
                system.hasDeliveryTimestamp() ? ProtoTime.epochMillis(system.getDeliveryTimestamp()) : 0,
                system.hasBornTimestamp() ? ProtoTime.epochMillis(system.getBornTimestamp()) : nowMillis,
                system.getBornHost().isEmpty() ? client.peerHost() : system.getBornHost(),
                message.getUserPropertiesMap(),
                carried,
                message.getBody().toByteArray());
    }

    /** The wire form of a delivery, with everything protocol §4.1 says a consumer reads. */
    Message toMessage(Delivery delivery, String namespace, long nowMillis) {
        SystemProperties.Builder system = systemProperties(delivery.message())
                .setReceiptHandle(delivery.receiptHandle())
                .setDeliveryAttempt(delivery.deliveryAttempt())
                .setInvisibleDuration(ProtoTime.duration(Duration.ofMillis(Math.max(0, delivery.invisibleUntil() - nowMillis))));
        return message(delivery.message().record(), namespace, system);
    }

    /** The wire form of a stored message that is not a delivery (a transaction check shows it to its producer). */
    Message toMessage(StoredMessage stored, String namespace) {
        return message(stored.record(), namespace, systemProperties(stored));
    }

    private SystemProperties.Builder systemProperties(StoredMessage stored) {
        MessageRecord record = stored.record();
        Map<String, String> carried = record.systemProperties();
        SystemProperties.Builder system = SystemProperties.newBuilder()
                .setMessageId(record.messageId())
                .addAllKeys(record.keys())
                .setBodyDigest(Digest.newBuilder().setType(DigestType.MD5).setChecksum(md5UpperHex(record.body())))
                .setBodyEncoding(Encoding.GZIP.name().equals(carried.get(BODY_ENCODING)) ? Encoding.GZIP : Encoding.IDENTITY)
                .setMessageType(MessageTypes.type(record.kind()))
                .setBornTimestamp(ProtoTime.timestamp(record.bornTimestamp()))
                .setBornHost(record.bornHost())
                .setStoreTimestamp(ProtoTime.timestamp(stored.storeTimestamp()))
                .setStoreHost(storeHost)
                .setQueueId(record.queueId())
                .setQueueOffset(stored.queueOffset());
        if (!record.tag().isEmpty()) {
            system.setTag(record.tag());
        }
        if (!record.messageGroup().isEmpty()) {
            system.setMessageGroup(record.messageGroup());
        }
        if (record.deliveryTimestamp() > 0) {
            system.setDeliveryTimestamp(ProtoTime.timestamp(record.deliveryTimestamp()));
        }
        if (carried.containsKey(TRACE_CONTEXT)) {
            system.setTraceContext(carried.get(TRACE_CONTEXT));
        }
        if (carried.containsKey(DeadLetterProperties.ORIGIN_TOPIC)) {
            system.setDeadLetterQueue(DeadLetterQueue.newBuilder()
                    .setTopic(carried.get(DeadLetterProperties.ORIGIN_TOPIC))
                    .setMessageId(record.messageId()));
        }
        return system;
    }

    private static Message message(MessageRecord record, String namespace, SystemProperties.Builder system) {
        return Message.newBuilder()
                .setTopic(Resource.newBuilder().setResourceNamespace(namespace).setName(record.topic()))
                .putAllUserProperties(record.userProperties())
                .setSystemProperties(system)
                .setBody(ByteString.copyFrom(record.body()))
                .build();
    }

    /** Clients verify it and treat a mismatch as corruption; MD5 is the one format all clients agree on. */
    static String md5UpperHex(byte[] body) {
        try {
            return UPPER_HEX.formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide MD5", e);
        }
    }
}
