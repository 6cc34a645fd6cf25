package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.broker.NameRules;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.EndTransactionRequest;
import dev.sluice.proto.rmq.v2.EndTransactionResponse;
import dev.sluice.proto.rmq.v2.TransactionResolution;
import dev.sluice.proto.rmq.v2.TransactionSource;
import java.util.concurrent.CompletableFuture;

/** EndTransaction: the producer's (or its checker's) verdict on a half message. */
final class TransactionActivity {

    private final Broker broker;

    TransactionActivity(Broker broker) {
        this.broker = broker;
    }

    CompletableFuture<EndTransactionResponse> end(EndTransactionRequest request) {
        String topic = request.getTopic().getName();
        NameRules.checkUserTopic(topic);
        if (request.getTransactionId().isBlank()) {
            throw new ProtocolException(Code.INVALID_TRANSACTION_ID, "transaction_id is required");
        }
        boolean commit = switch (request.getResolution()) {
            case COMMIT -> true;
            case ROLLBACK -> false;
            case TRANSACTION_RESOLUTION_UNSPECIFIED, UNRECOGNIZED ->
                    throw new ProtocolException(Code.BAD_REQUEST, "resolution must be COMMIT or ROLLBACK");
        };
        boolean fromCheck = request.getSource() == TransactionSource.SOURCE_SERVER_CHECK;
        return broker.endTransaction(topic, request.getMessageId(), request.getTransactionId(), commit, fromCheck)
                .thenApply(done -> EndTransactionResponse.newBuilder()
                        .setStatus(StatusMapper.status(Code.OK, commit ? "committed" : "rolled back"))
                        .build());
    }
}
