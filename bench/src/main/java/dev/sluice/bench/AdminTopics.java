package dev.sluice.bench;

import dev.sluice.proto.admin.v1.AdminGrpc;
import dev.sluice.proto.admin.v1.CreateGroupRequest;
import dev.sluice.proto.admin.v1.CreateTopicRequest;
import dev.sluice.proto.admin.v1.DeleteGroupRequest;
import dev.sluice.proto.admin.v1.DeleteTopicRequest;
import dev.sluice.proto.admin.v1.TopicType;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics and groups a run needs through Sluice's admin API (served on the RocketMQ
 * gRPC port) and deletes them again on close, so runs never share state.
 */
public final class AdminTopics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminTopics.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Enough parallel creates to make 1,000 topics quick without flooding a 2-core box. */
    private static final int CREATE_CONCURRENCY = 16;

    private final ManagedChannel channel;
    private final AdminGrpc.AdminBlockingStub admin;
    private final boolean keep;
    private final List<String> topics = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    /** @param keep leave what this run created in place (to inspect it afterwards) */
    public AdminTopics(String endpoint, boolean tls, boolean keep) {
        // a benchmark talks to test servers with self-signed certificates, as the RocketMQ client does
        ChannelCredentials credentials = tls
                ? TlsChannelCredentials.newBuilder().trustManager(InsecureTrustManagerFactory.INSTANCE.getTrustManagers()).build()
                : InsecureChannelCredentials.create();
        this.channel = Grpc.newChannelBuilder(endpoint, credentials).build();
        this.admin = AdminGrpc.newBlockingStub(channel);
        this.keep = keep;
    }

    public void createTopic(String name, TopicType type, int queues) {
        call().createTopic(CreateTopicRequest.newBuilder().setName(name).setType(type).setQueues(queues).build());
        synchronized (topics) {
            topics.add(name);
        }
    }

    public void createTopics(List<String> names, TopicType type, int queues) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(CREATE_CONCURRENCY);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (String name : names) {
                pending.add(pool.submit(() -> createTopic(name, type, queues)));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Leaves a topic this run created in place after the run, for a later run to use. */
    public void keep(String topic) {
        synchronized (topics) {
            topics.remove(topic);
        }
    }

    /** Deletes after this run a topic an earlier run created and kept, as if this run had created it. */
    public void adopt(String topic) {
        synchronized (topics) {
            topics.add(topic);
        }
    }

    /** Creates the group; one that already exists is fine (the server may create groups on first use). */
    public void createGroup(String name) {
        try {
            call().createGroup(CreateGroupRequest.newBuilder().setName(name).build());
            groups.add(name);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
        }
    }

    private AdminGrpc.AdminBlockingStub call() {
        return admin.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            if (!keep) {
                deleteCreated();
            }
        } finally {
            channel.shutdownNow();
        }
    }

    /** Stops at the first refusal: a server that cannot delete one topic will refuse the other 999 too. */
    private void deleteCreated() {
        List<String> all = new ArrayList<>();
        synchronized (topics) {
            all.addAll(topics);
        }
        all.addAll(groups);
        int groupStart = all.size() - groups.size();
        for (int i = 0; i < all.size(); i++) {
            String name = all.get(i);
            try {
                if (i < groupStart) {
                    call().deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build());
                } else {
                    call().deleteGroup(DeleteGroupRequest.newBuilder().setName(name).build());
                }
            } catch (StatusRuntimeException e) {
                log.warn("could not delete {} after the run ({}); leaving it and {} more in place",
                        name, e.getStatus(), all.size() - i - 1);
                return;
            }
        }
    }
}
