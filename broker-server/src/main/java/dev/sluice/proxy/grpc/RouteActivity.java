package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.NameRules;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.rmq.v2.Assignment;
import dev.sluice.proto.rmq.v2.Endpoints;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.Permission;
import dev.sluice.proto.rmq.v2.QueryAssignmentRequest;
import dev.sluice.proto.rmq.v2.QueryAssignmentResponse;
import dev.sluice.proto.rmq.v2.QueryRouteRequest;
import dev.sluice.proto.rmq.v2.QueryRouteResponse;
import dev.sluice.proto.rmq.v2.Resource;
import dev.sluice.proxy.ProxyConfig;

/**
 * QueryRoute and QueryAssignment. Every route points at the endpoints the client asked with
 * (protocol §5.2): behind a Kubernetes Service the client keeps using the address it was given,
 * and any proxy replica can serve any queue because the state lives in the broker.
 */
final class RouteActivity {

    /** "Any queue of this broker": the broker balances non-FIFO receives itself. */
    static final int ANY_QUEUE = -1;
    /**
     * Receive loops a push consumer of a non-FIFO group runs per topic. The client splits its
     * message cache (1,024 by default) between them, so more would shrink every batch.
     */
    static final int NON_FIFO_RECEIVE_LOOPS = 4;

    private final Broker broker;
    private final ProxyConfig config;

    RouteActivity(Broker broker, ProxyConfig config) {
        this.broker = broker;
        this.config = config;
    }

    QueryRouteResponse queryRoute(QueryRouteRequest request) {
        TopicConfig topic = existingTopic(request.getTopic().getName());
        QueryRouteResponse.Builder response = QueryRouteResponse.newBuilder().setStatus(StatusMapper.ok());
        for (int id = 0; id < topic.queues(); id++) {
            response.addMessageQueues(queue(request.getTopic(), topic, id, request.getEndpoints()));
        }
        return response.build();
    }

    /**
     * FIFO groups get one assignment per queue, so each queue gets its own sequential receive loop
     * in the client. Non-FIFO groups get one per queue up to {@link #NON_FIFO_RECEIVE_LOOPS}, and
     * each loop's receives take from any queue: the push consumer keeps one receive in flight per
     * assignment, and with a single one it drained a backlog at one batch per round trip. The list
     * must be stable between calls: the push consumer rebuilds its receive loops whenever it changes.
     */
    QueryAssignmentResponse queryAssignment(QueryAssignmentRequest request) {
        NameRules.checkGroup(request.getGroup().getName());
        TopicConfig topic = existingTopic(request.getTopic().getName());
        GroupConfig group = broker.groupForUse(request.getGroup().getName());
        QueryAssignmentResponse.Builder response = QueryAssignmentResponse.newBuilder().setStatus(StatusMapper.ok());
        int assignments = group.fifo() ? topic.queues() : Math.min(topic.queues(), NON_FIFO_RECEIVE_LOOPS);
        for (int id = 0; id < assignments; id++) {
            response.addAssignments(assignment(request, topic, id));
        }
        return response.build();
    }

    private TopicConfig existingTopic(String name) {
        NameRules.checkTopic(name);
        return broker.topicForUse(name);
    }

    private Assignment assignment(QueryAssignmentRequest request, TopicConfig topic, int queueId) {
        return Assignment.newBuilder()
                .setMessageQueue(queue(request.getTopic(), topic, queueId, request.getEndpoints()))
                .build();
    }

    private MessageQueue queue(Resource topicResource, TopicConfig topic, int queueId, Endpoints endpoints) {
        return MessageQueue.newBuilder()
                .setTopic(topicResource)
                .setId(queueId)
                .setPermission(Permission.READ_WRITE)
                .setBroker(dev.sluice.proto.rmq.v2.Broker.newBuilder()
                        .setName(config.brokerName())
                        .setId(0)
                        .setEndpoints(endpoints))
                .addAcceptMessageTypes(MessageTypes.type(topic.type()))
                .build();
    }
}
