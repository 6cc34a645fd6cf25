package dev.sluice.proxy.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.Permission;
import dev.sluice.proto.rmq.v2.QueryAssignmentRequest;
import dev.sluice.proto.rmq.v2.QueryAssignmentResponse;
import dev.sluice.proto.rmq.v2.QueryRouteRequest;
import dev.sluice.proto.rmq.v2.QueryRouteResponse;
import dev.sluice.proto.rmq.v2.Resource;
import dev.sluice.store.MessageKind;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryRouteTest {

    @TempDir
    Path dataDir;
    ProxyHarness proxy;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness(dataDir);
        proxy.broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 4));
        proxy.broker.createTopic(new TopicConfig("ledger", MessageKind.FIFO, 3));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    @Test
    void routeListsEveryQueueWritableOnTheEchoedEndpoints() {
        Resource topic = Resource.newBuilder().setResourceNamespace("ns-1").setName("orders").build();
        QueryRouteResponse route = proxy.stub().queryRoute(QueryRouteRequest.newBuilder()
                .setTopic(topic).setEndpoints(ProxyHarness.ENDPOINTS).build());

        assertThat(route.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(route.getMessageQueuesList()).extracting(MessageQueue::getId).containsExactly(0, 1, 2, 3);
        for (MessageQueue queue : route.getMessageQueuesList()) {
            assertThat(queue.getTopic()).isEqualTo(topic);
            assertThat(queue.getPermission()).isEqualTo(Permission.READ_WRITE);
            assertThat(queue.getBroker().getId()).isZero();
            assertThat(queue.getBroker().getName()).isEqualTo("sluice-broker-0");
            assertThat(queue.getBroker().getEndpoints()).isEqualTo(ProxyHarness.ENDPOINTS);
            assertThat(queue.getAcceptMessageTypesList()).containsExactly(MessageType.NORMAL);
        }
    }

    @Test
    void routeAdvertisesTheTopicType() {
        QueryRouteResponse route = proxy.stub().queryRoute(routeRequest("ledger"));

        assertThat(route.getMessageQueuesList()).hasSize(3)
                .allSatisfy(q -> assertThat(q.getAcceptMessageTypesList()).containsExactly(MessageType.FIFO));
    }

    @Test
    void unknownTopicIsNotFoundAndTheMessageNamesTheFix() {
        QueryRouteResponse route = proxy.stub().queryRoute(routeRequest("no-such-topic"));

        assertThat(route.getStatus().getCode()).isEqualTo(Code.TOPIC_NOT_FOUND);
        assertThat(route.getStatus().getMessage()).contains("sluice admin topic create no-such-topic");
        assertThat(route.getMessageQueuesList()).isEmpty();
    }

    @Test
    void illegalTopicNameIsRefused() {
        QueryRouteResponse route = proxy.stub().queryRoute(routeRequest("bad topic!"));

        assertThat(route.getStatus().getCode()).isEqualTo(Code.ILLEGAL_TOPIC);
    }

    @Test
    void callWithoutClientIdIsRefused() {
        QueryRouteResponse route = proxy.anonymousStub().queryRoute(routeRequest("orders"));

        assertThat(route.getStatus().getCode()).isEqualTo(Code.CLIENT_ID_REQUIRED);
    }

    @Test
    void nonFifoGroupGetsAReceiveLoopPerQueueUpToFour() {
        proxy.broker.createTopic(new TopicConfig("narrow", MessageKind.NORMAL, 2));
        proxy.broker.createTopic(new TopicConfig("wide", MessageKind.NORMAL, 16));

        QueryAssignmentResponse narrow = proxy.stub().queryAssignment(assignmentRequest("narrow", "workers"));
        QueryAssignmentResponse wide = proxy.stub().queryAssignment(assignmentRequest("wide", "workers"));

        assertThat(narrow.getStatus().getCode()).isEqualTo(Code.OK);
        assertThat(narrow.getAssignmentsList()).extracting(a -> a.getMessageQueue().getId()).containsExactly(0, 1);
        assertThat(narrow.getAssignmentsList()).allSatisfy(a -> {
            assertThat(a.getMessageQueue().getBroker().getEndpoints()).isEqualTo(ProxyHarness.ENDPOINTS);
            assertThat(a.getMessageQueue().getPermission()).isEqualTo(Permission.READ_WRITE);
        });
        assertThat(wide.getAssignmentsList()).extracting(a -> a.getMessageQueue().getId()).containsExactly(0, 1, 2, 3);
        assertThat(proxy.stub().queryAssignment(assignmentRequest("wide", "workers"))).isEqualTo(wide);
    }

    @Test
    void fifoGroupGetsOneStableAssignmentPerQueue() {
        proxy.broker.createGroup(new GroupConfig("sequencers", true, 5, RetryPolicy.DEFAULT));

        QueryAssignmentResponse first = proxy.stub().queryAssignment(assignmentRequest("ledger", "sequencers"));
        QueryAssignmentResponse second = proxy.stub().queryAssignment(assignmentRequest("ledger", "sequencers"));

        assertThat(first.getAssignmentsList()).extracting(a -> a.getMessageQueue().getId()).containsExactly(0, 1, 2);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void assignmentForUnknownTopicIsNotFound() {
        QueryAssignmentResponse response = proxy.stub().queryAssignment(assignmentRequest("nope", "workers"));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.TOPIC_NOT_FOUND);
        assertThat(response.getAssignmentsList()).isEmpty();
    }

    private static QueryRouteRequest routeRequest(String topic) {
        return QueryRouteRequest.newBuilder()
                .setTopic(ProxyHarness.resource(topic)).setEndpoints(ProxyHarness.ENDPOINTS).build();
    }

    private static QueryAssignmentRequest assignmentRequest(String topic, String group) {
        return QueryAssignmentRequest.newBuilder()
                .setTopic(ProxyHarness.resource(topic))
                .setGroup(ProxyHarness.resource(group))
                .setEndpoints(ProxyHarness.ENDPOINTS)
                .build();
    }
}
