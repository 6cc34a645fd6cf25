package dev.sluice.broker.pop;

import dev.sluice.broker.Delivery;
import dev.sluice.broker.ReceiveRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LongPollingTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    LongPollingTest() {
        timer.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        worker.shutdownNow();
    }

    private static ReceiveRequest request(String topic, Duration pollTimeout) {
        return new ReceiveRequest("group", topic, -1, null, 32, Duration.ofSeconds(30), false, pollTimeout, "client",
                null);
    }

    private static ReceiveRequest request(String group) {
        return new ReceiveRequest(group, "orders", -1, null, 32, Duration.ofSeconds(30), false, Duration.ofSeconds(30),
                "client", null);
    }

    private static List<Delivery> oneDelivery() {
        return List.of(new Delivery(null, "handle", 1, 0));
    }

    @Test
    void shouldNotKeepTheTimeoutsOfAnsweredReceivesQueued() throws Exception {
        AtomicInteger available = new AtomicInteger();
        LongPolling polling = new LongPolling(r -> available.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                ? oneDelivery() : List.of(), worker, timer);
        for (int i = 0; i < 1_000; i++) {
            CompletableFuture<List<Delivery>> parked = polling.park(request("orders", Duration.ofSeconds(30)));
            available.incrementAndGet();
            polling.wake("orders");
            assertThat(parked.get(10, TimeUnit.SECONDS)).hasSize(1);
        }
        // each answered receive's 30 s timeout held it and its messages in the timer's queue
        assertThat(timer.getQueue()).hasSizeLessThan(10);
    }

    @Test
    void shouldPopOnceForAllParkedReceivesAlikeWhenNothingIsThere() throws Exception {
        Map<String, AtomicInteger> pops = new ConcurrentHashMap<>();
        AtomicInteger available = new AtomicInteger();
        LongPolling polling = new LongPolling(r -> {
            pops.computeIfAbsent(r.group(), g -> new AtomicInteger()).incrementAndGet();
            return r.group().equals("g") && available.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? oneDelivery() : List.of();
        }, worker, timer);
        List<CompletableFuture<List<Delivery>>> loopsOfG = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            loopsOfG.add(polling.park(request("g")));
        }
        CompletableFuture<List<Delivery>> loopOfH = polling.park(request("h"));
        worker.submit(() -> { }).get(10, TimeUnit.SECONDS);
        pops.clear();

        polling.wake("orders");
        worker.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(pops).containsOnlyKeys("g", "h");
        assertThat(pops.get("g")).hasValue(1);
        assertThat(pops.get("h")).hasValue(1);

        available.set(1);
        polling.wake("orders");
        worker.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(loopsOfG).filteredOn(CompletableFuture::isDone).singleElement()
                .satisfies(answered -> assertThat(answered.join()).hasSize(1));
        assertThat(loopOfH).isNotDone();
    }

    @Test
    void shouldStillAnswerAnUnansweredReceiveEmptyAtItsTimeout() throws Exception {
        LongPolling polling = new LongPolling(r -> List.of(), worker, timer);
        long start = System.nanoTime();
        assertThat(polling.park(request("orders", Duration.ofMillis(200))).get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void shouldWakeParkedReceivesWhenADeadlinePassesWithOneTimerPerSlot() throws Exception {
        AtomicLong visibleAt = new AtomicLong(Long.MAX_VALUE);
        LongPolling polling = new LongPolling(r -> System.currentTimeMillis() >= visibleAt.get()
                ? oneDelivery() : List.of(), worker, timer);
        CompletableFuture<List<Delivery>> parked = polling.park(request("orders", Duration.ofSeconds(30)));
        int queuedBefore = timer.getQueue().size();
        long deadline = System.currentTimeMillis() + 500;
        visibleAt.set(deadline);
        for (int i = 0; i < 20; i++) {
            polling.wakeAt("orders", deadline + i % 3); // a batch's deadlines, milliseconds apart
        }
        assertThat(timer.getQueue().size() - queuedBefore).as("timers for one slot").isLessThanOrEqualTo(2);

        assertThat(parked.get(10, TimeUnit.SECONDS)).hasSize(1);
        long late = System.currentTimeMillis() - deadline;
        assertThat(late).isBetween(0L, 2_000L);
    }
}
