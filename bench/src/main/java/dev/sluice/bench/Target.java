package dev.sluice.bench;

import dev.sluice.proto.admin.v1.TopicType;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.producer.Producer;

/**
 * The endpoint one scenario run drives: how to reach it with the official client, where its
 * topics and groups come from, and (optionally) which process to watch for memory.
 */
public final class Target implements AutoCloseable {

    private static final ClientServiceProvider PROVIDER = ClientServiceProvider.loadService();

    private final String endpoint;
    private final Long serverPid;
    private final ClientConfiguration clientConfiguration;
    private final AdminTopics admin;
    private final String fixedTopic;
    private final String runId;

    /**
     * @param serverPid  process whose RSS reports show, or null
     * @param admin      creates per-run topics and groups, or null when the user brings the topic
     * @param fixedTopic the topic every run uses instead of creating one, or null
     */
    public Target(String endpoint, Long serverPid, boolean tls, Duration requestTimeout, AdminTopics admin, String fixedTopic) {
        if (admin == null && fixedTopic == null) {
            throw new IllegalArgumentException("without the admin API (--no-admin) a pre-created --topic is required");
        }
        this.endpoint = endpoint;
        this.serverPid = serverPid;
        this.clientConfiguration = ClientConfiguration.newBuilder()
                .setEndpoints(endpoint)
                .enableSsl(tls)
                .setRequestTimeout(requestTimeout)
                .build();
        this.admin = admin;
        this.fixedTopic = fixedTopic;
        this.runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    public String endpoint() {
        return endpoint;
    }

    /** Identifies this run's messages on a topic that may hold other runs' messages too. */
    public String runId() {
        return runId;
    }

    /** The --topic the user gave, or a new topic of this type made for this run. */
    public String topic(String purpose, TopicType type, int queues) {
        if (fixedTopic != null) {
            return fixedTopic;
        }
        String name = uniqueName(purpose);
        admin.createTopic(name, type, queues);
        return name;
    }

    /** True when {@link #topic} makes a topic for the run, false when the user gave one. */
    public boolean makesTopics() {
        return fixedTopic == null;
    }

    /** Leaves a topic {@link #topic} made in place after the run, for a later run to read. */
    public void keepAfterRun(String topic) {
        requireAdmin("keeping a topic").keep(topic);
    }

    /** Deletes after this run a topic an earlier run made and kept (unless --keep-topics). */
    public void deleteAfterRun(String topic) {
        requireAdmin("deleting a topic").adopt(topic);
    }

    /** A consumer group no earlier run used, so it starts cold. */
    public String group(String purpose) {
        String name = uniqueName(purpose);
        if (admin != null) {
            admin.createGroup(name);
        }
        return name;
    }

    public String uniqueName(String purpose) {
        return "bench-" + purpose + "-" + runId;
    }

    /** The admin API; scenarios that must create many topics cannot run without it. */
    public AdminTopics requireAdmin(String why) {
        if (admin == null) {
            throw new IllegalArgumentException(why + " needs the admin API to create topics; drop --no-admin/--topic");
        }
        return admin;
    }

    /** A producer that fetched {@code topic}'s route while starting. */
    public Producer producer(String topic) throws ClientException {
        return PROVIDER.newProducerBuilder().setClientConfiguration(clientConfiguration).setTopics(topic).build();
    }

    public MessageBuilder message() {
        return PROVIDER.newMessageBuilder();
    }

    public ClientServiceProvider provider() {
        return PROVIDER;
    }

    public ClientConfiguration clientConfiguration() {
        return clientConfiguration;
    }

    /** Server RSS in MiB when --server-pid was given; null otherwise or when the process is gone. */
    public Double serverRssMib() {
        if (serverPid == null) {
            return null;
        }
        OptionalDouble rss = ProcessRss.mib(serverPid);
        return rss.isPresent() ? rss.getAsDouble() : null;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
