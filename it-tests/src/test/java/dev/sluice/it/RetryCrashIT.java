package dev.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.MessageListener;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} while a push consumer has about a thousand messages in flight, some consumed,
 * some failing a few times, some always failing, some slow: after a restart on the same data
 * directory every message is consumed or dead-lettered, none is lost, and the attempt count of a
 * message seen before the crash goes on from where it was.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RetryCrashIT {

    private static final String TOPIC = "transfers";
    private static final String GROUP = "clearing";
    private static final int MESSAGES = 1_000;
    private static final int MAX_ATTEMPTS = 4;
    private static final String PLAN = "plan";
    /** Fails its first two deliveries. */
    private static final String RETRY = "retry";
    private static final String ALWAYS_FAIL = "always-fail";
    /** Succeeds after a while, so that many deliveries are in the middle of consumption at the kill. */
    private static final String SLOW = "slow";
    private static final String OK = "ok";
    /** Push deliveries are invisible this long (renewed while the client lives), so that in-flight ones come back soon. */
    private static final String AUTO_RENEW_INVISIBLE = "15s";

    @RegisterExtension
    final SluiceExtension sluice = new SluiceExtension();

    @Test
    void everyMessageIsConsumedOrDeadLetteredAndAttemptsContinueAcrossKill9() throws Exception {
        SluiceProcess server = sluice.start("--flush-policy", "SYNC",
                "--set", "broker.auto-renew-invisible=" + AUTO_RENEW_INVISIBLE);
        Admin admin = sluice.admin(server);
        admin.createTopic(TOPIC, "NORMAL", 4);
        admin.ok("group", "create", GROUP, "--max-delivery-attempts", Integer.toString(MAX_ATTEMPTS),
                "--retry-steps", "2s");

        DeliveryLog before = new DeliveryLog();
        DeliveryLog after = new DeliveryLog();
        Map<String, String> planById = new HashMap<>();
        // closed only after the restart, so that the producer's goodbye reaches a live server
        Clients beforeCrash = new Clients(server.grpcEndpoint());
        try {
            Producer producer = beforeCrash.producer(TOPIC);
            List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
            List<String> plans = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String plan = planOf(i);
                plans.add(plan);
                sends.add(producer.sendAsync(beforeCrash.message(TOPIC)
                        .setBody(("transfer " + i).getBytes(StandardCharsets.UTF_8))
                        .addProperty(PLAN, plan).build()));
            }
            for (int i = 0; i < MESSAGES; i++) {
                planById.put(sends.get(i).get(30, TimeUnit.SECONDS).getMessageId().toString(), plans.get(i));
            }

            PushConsumers consumers = new PushConsumers(beforeCrash);
            PushConsumer first = consumers.start(GROUP, TOPIC, listener(before));
            await("some messages consumed and some redelivered before the kill").atMost(Duration.ofSeconds(60))
                    .until(() -> before.succeededIds().size() >= MESSAGES / 4
                            && before.all().stream().anyMatch(d -> d.attempt() >= 2));
            server.kill9();
            // the consumer's listener calls end here: whatever it still held goes back with the dead server
            consumers.close(first);
            server.restart();
        } finally {
            beforeCrash.close();
        }
        System.out.printf("retry crash test: %d listener calls before the kill, %d consumed%n",
                before.size(), before.succeededIds().size());

        Set<String> mustSucceed = new HashSet<>();
        Set<String> mustDeadLetter = new HashSet<>();
        planById.forEach((id, plan) -> (plan.equals(ALWAYS_FAIL) ? mustDeadLetter : mustSucceed).add(id));
        mustSucceed.removeAll(before.succeededIds());
        Set<String> deadLettered = new HashSet<>();
        try (Clients clients = new Clients(server.grpcEndpoint());
             PushConsumers consumers = new PushConsumers(clients)) {
            consumers.start(GROUP, TOPIC, listener(after));
            try {
                await("every message consumed after the restart").atMost(Duration.ofSeconds(90))
                        .until(() -> after.succeededIds().containsAll(mustSucceed));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(notConsumed(admin, mustSucceed, before, after, planById), e);
            }
            await("every always failing message dead-lettered").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        deadLettered.clear();
                        AdminTables.table(admin.ok("dlq", "list", "--group", GROUP), "MESSAGE-ID")
                                .forEach(row -> deadLettered.add(row.get("MESSAGE-ID")));
                        return deadLettered.containsAll(mustDeadLetter);
                    });
        }

        Set<String> lost = new HashSet<>(planById.keySet());
        lost.removeAll(before.succeededIds());
        lost.removeAll(after.succeededIds());
        lost.removeAll(deadLettered);
        assertThat(lost).as("messages neither consumed nor dead-lettered").isEmpty();
        assertThat(deadLettered).as("dead-lettered messages").containsExactlyInAnyOrderElementsOf(mustDeadLetter);

        List<String> resetAttempts = new ArrayList<>();
        for (String id : planById.keySet()) {
            int lastBefore = before.of(id).stream().mapToInt(DeliveryLog.Delivery::attempt).max().orElse(0);
            int firstAfter = after.of(id).stream().mapToInt(DeliveryLog.Delivery::attempt).min().orElse(Integer.MAX_VALUE);
            if (firstAfter <= lastBefore) {
                resetAttempts.add(id + " (" + planById.get(id) + "): attempt " + lastBefore + " before the kill, "
                        + firstAfter + " after");
            }
        }
        assertThat(resetAttempts).as("messages whose attempt count did not continue across the restart").isEmpty();
        List<DeliveryLog.Delivery> beyondMax = new ArrayList<>(before.all());
        beyondMax.addAll(after.all());
        assertThat(beyondMax).filteredOn(d -> d.attempt() > MAX_ATTEMPTS)
                .as("deliveries beyond the group's max delivery attempts").isEmpty();
        assertThat(after.all()).filteredOn(d -> d.property(PLAN).equals(ALWAYS_FAIL))
                .filteredOn(d -> !d.succeeded()).as("always failing messages delivered after the restart")
                .isNotEmpty();
    }

    /** Which messages were not consumed, with what the listener and the server saw of a few of them. */
    private static String notConsumed(Admin admin, Set<String> mustSucceed, DeliveryLog before, DeliveryLog after,
                                      Map<String, String> planById) throws Exception {
        List<String> missing = mustSucceed.stream().filter(id -> !after.succeededIds().contains(id)).sorted().toList();
        StringBuilder report = new StringBuilder(missing.size() + " message(s) not consumed after the restart ("
                + after.size() + " listener calls after it, " + after.succeededIds().size() + " consumed)");
        for (String id : missing.subList(0, Math.min(3, missing.size()))) {
            report.append("\n").append(id).append(" (").append(planById.get(id)).append(")\n  before: ")
                    .append(before.of(id)).append("\n  after: ").append(after.of(id)).append("\n")
                    .append(admin.run("message", "history", "--topic", TOPIC, "--id", id).stdout());
        }
        return report.toString();
    }

    private static String planOf(int i) {
        return switch (i % 10) {
            case 6, 7 -> RETRY;
            case 8 -> ALWAYS_FAIL;
            case 9 -> SLOW;
            default -> OK;
        };
    }

    private static MessageListener listener(DeliveryLog log) {
        return log.listener(RetryCrashIT::consume);
    }

    private static ConsumeResult consume(MessageView message) {
        switch (message.getProperties().get(PLAN)) {
            case RETRY:
                return message.getDeliveryAttempt() <= 2 ? ConsumeResult.FAILURE : ConsumeResult.SUCCESS;
            case ALWAYS_FAIL:
                return ConsumeResult.FAILURE;
            case SLOW:
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ConsumeResult.FAILURE;
                }
                return ConsumeResult.SUCCESS;
            default:
                return ConsumeResult.SUCCESS;
        }
    }
}
