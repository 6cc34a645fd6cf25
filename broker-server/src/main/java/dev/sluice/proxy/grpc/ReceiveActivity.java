package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.broker.Delivery;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.NameRules;
import dev.sluice.broker.ReceiveRequest;
import dev.sluice.broker.TagFilter;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.FilterExpression;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proxy.ProxyConfig;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReceiveMessage, the long-polling pop. The answer stream is always: one status item (OK, or
 * MESSAGE_NOT_FOUND when nothing arrived in time, or the error), one item per message, then
 * completion. Without the status item first the Java client drops the messages it got.
 *
 * <p>The long poll parks no thread: the broker completes a future and the stream is written
 * from that callback.
 */
final class ReceiveActivity {

    private static final Logger log = LoggerFactory.getLogger(ReceiveActivity.class);

    private final Broker broker;
    private final ProxyConfig config;
    private final MessageConverter converter;

    ReceiveActivity(Broker broker, ProxyConfig config, MessageConverter converter) {
        this.broker = broker;
        this.config = config;
        this.converter = converter;
    }

    void receive(ReceiveMessageRequest request, ClientMetadata client,
                 ServerCallStreamObserver<ReceiveMessageResponse> out) {
        AtomicReference<CompletableFuture<List<Delivery>>> pending = new AtomicReference<>();
        // also keeps onNext after a cancellation from throwing
        out.setOnCancelHandler(() -> {
            CompletableFuture<List<Delivery>> future = pending.get();
            if (future != null) {
                future.cancel(false);
            }
        });
        ReceiveRequest pop;
        try {
            pop = toPop(request, client);
        } catch (RuntimeException e) {
            answer(out, StatusMapper.of(e), List.of());
            return;
        }
        if (out.isCancelled()) {
            return;
        }
        CompletableFuture<List<Delivery>> future;
        try {
            future = broker.receive(pop);
        } catch (RuntimeException e) {
            answer(out, StatusMapper.of(e), List.of());
            return;
        }
        pending.set(future);
        if (out.isCancelled()) {
            // cancelled before the handler could see the future: stop the poll here
            future.cancel(false);
        }
        String namespace = request.getMessageQueue().getTopic().getResourceNamespace();
        future.whenComplete((deliveries, failure) -> {
            if (failure != null) {
                // a cancelled call gets nothing; the future was cancelled because of it
                if (!out.isCancelled()) {
                    answer(out, StatusMapper.of(failure), List.of());
                }
                return;
            }
            deliver(pop, deliveries, namespace, out);
        });
    }

    private void deliver(ReceiveRequest pop, List<Delivery> deliveries, String namespace,
                         ServerCallStreamObserver<ReceiveMessageResponse> out) {
        if (out.isCancelled()) {
            release(pop, deliveries, "the client cancelled the receive");
            return;
        }
        List<Message> messages = new ArrayList<>(deliveries.size());
        try {
            long now = System.currentTimeMillis();
            for (Delivery delivery : deliveries) {
                messages.add(converter.toMessage(delivery, namespace, now));
            }
        } catch (RuntimeException e) {
            release(pop, deliveries, "they could not be converted");
            answer(out, StatusMapper.of(e), List.of());
            return;
        }
        Status status = messages.isEmpty()
                ? StatusMapper.status(Code.MESSAGE_NOT_FOUND, "no new message")
                : StatusMapper.ok();
        answer(out, status, messages);
    }

    private static void answer(ServerCallStreamObserver<ReceiveMessageResponse> out, Status status,
                               List<Message> messages) {
        out.onNext(ReceiveMessageResponse.newBuilder().setStatus(status).build());
        for (Message message : messages) {
            out.onNext(ReceiveMessageResponse.newBuilder().setMessage(message).build());
        }
        out.onCompleted();
    }

    /** Makes popped messages the client will never see visible again now rather than at their deadline. */
    private void release(ReceiveRequest pop, List<Delivery> deliveries, String why) {
        if (deliveries.isEmpty()) {
            return;
        }
        log.debug("releasing {} deliveries to group {}: {}", deliveries.size(), pop.group(), why);
        for (Delivery delivery : deliveries) {
            try {
                // suspend: the client never saw the message, so this delivery does not count as an attempt
                broker.changeInvisibleDuration(pop.group(), pop.topic(), delivery.receiptHandle(), Duration.ZERO, true);
            } catch (RuntimeException e) {
                log.warn("could not release message {} of group {}; it returns after its invisible time",
                        delivery.message().record().messageId(), pop.group(), e);
            }
        }
    }

    private ReceiveRequest toPop(ReceiveMessageRequest request, ClientMetadata client) {
        String group = request.getGroup().getName();
        String topic = request.getMessageQueue().getTopic().getName();
        NameRules.checkGroup(group);
        NameRules.checkTopic(topic);
        TagFilter filter = filter(request.getFilterExpression());
        if (request.getBatchSize() <= 0) {
            throw new ProtocolException(Code.BAD_REQUEST, "batch_size must be positive, got " + request.getBatchSize());
        }
        Duration invisible = invisibleDuration(request);
        Duration pollTimeout = pollTimeout(request);
        GroupConfig groupConfig = broker.groupForUse(group);
        // non-FIFO: any queue, so a client polling one empty queue still gets messages of the others
        int queueId = groupConfig.fifo() ? request.getMessageQueue().getId() : RouteActivity.ANY_QUEUE;
        return new ReceiveRequest(group, topic, queueId, filter, request.getBatchSize(), invisible,
                request.getAutoRenew(), pollTimeout, client.clientId(), request.getAttemptId());
    }

    private static TagFilter filter(FilterExpression expression) {
        return switch (expression.getType()) {
            case TAG, FILTER_TYPE_UNSPECIFIED -> TagFilter.parse(expression.getExpression());
            case SQL -> throw new ProtocolException(Code.UNSUPPORTED,
                    "SQL92 filters are not supported; subscribe with a TAG expression such as 'a || b' or '*'");
            case UNRECOGNIZED -> throw new ProtocolException(Code.ILLEGAL_FILTER_EXPRESSION,
                    "unknown filter expression type");
        };
    }

    /**
     * Clients that let the server renew send no invisible time; everyone else must send one. Its
     * range is the broker's to check.
     */
    private static Duration invisibleDuration(ReceiveMessageRequest request) {
        if (request.hasInvisibleDuration()) {
            return ProtoTime.duration(request.getInvisibleDuration());
        }
        if (request.getAutoRenew()) {
            return Duration.ZERO;
        }
        throw new ProtocolException(Code.ILLEGAL_INVISIBLE_TIME, "invisible_duration is required without auto_renew");
    }

    /**
     * The client's long polling time clamped to the configured range, then shortened so the
     * answer is back before the call's deadline. Only a deadline that leaves no time to answer at
     * all is refused.
     */
    private Duration pollTimeout(ReceiveMessageRequest request) {
        Duration asked = request.hasLongPollingTimeout()
                ? ProtoTime.duration(request.getLongPollingTimeout()) : config.maxPollTimeout();
        Duration poll = clamp(asked, config.minPollTimeout(), config.maxPollTimeout());
        Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            return poll;
        }
        Duration budget = Duration.ofMillis(deadline.timeRemaining(TimeUnit.MILLISECONDS)).minus(config.responseMargin());
        if (budget.isNegative()) {
            throw new ProtocolException(Code.ILLEGAL_POLLING_TIME, "the call's deadline leaves less than "
                    + config.responseMargin().toMillis() + " ms to answer; allow more time for ReceiveMessage");
        }
        return poll.compareTo(budget) > 0 ? budget : poll;
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }
}
