package dev.sluice.bench;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Metadata write rate of a controller cluster: each thread creates consumer groups (one Raft
 * entry each) back to back through its own {@link ControllerClient}, waiting for every answer.
 * Not a RocketMQ scenario, so it runs outside the {@link Runner}.
 */
@Command(name = "controller-writes", mixinStandardHelpOptions = true,
        description = "Metadata writes/s of a Sluice controller cluster (consumer-group creations; concurrent ones share Raft entries), "
                + "once per --threads value.")
public final class ControllerWritesScenario implements Callable<Integer> {

    @Option(names = "--controller", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "Controller API address(es); the client follows the Raft leader.")
    List<String> controllers;

    @Option(names = "--threads", split = ",", defaultValue = "1,8",
            description = "Writing threads, each with its own client; one run per value (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationParser.class,
            description = "Measured time per run (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationParser.class,
            description = "Time before measuring starts, thrown away (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--json-out", paramLabel = "FILE", description = "Also append the JSON lines to this file")
    Path jsonOut;

    @Override
    public Integer call() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int count : threads) {
            if (count < 1) {
                throw new IllegalArgumentException("--threads values must be at least 1");
            }
            Report report = measure(run + "-t" + count, count);
            System.out.print(report.toTable());
            System.out.println(report.toJson());
            System.out.flush();
            if (jsonOut != null) {
                Files.writeString(jsonOut, report.toJson() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
        return 0;
    }

    private Report measure(String prefix, int threadCount) throws Exception {
        LatencyRecorder latency = new LatencyRecorder();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean();
        long end = System.nanoTime() + warmup.plus(duration).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        List<ControllerClient> clients = new ArrayList<>();
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (int t = 0; t < threadCount; t++) {
                ControllerClient client = ControllerClient.connect(controllers, Duration.ofSeconds(10));
                clients.add(client);
                String names = "bench-" + prefix + "-" + t + "-";
                tasks.add(pool.submit(() -> {
                    for (long n = 0; System.nanoTime() < end; n++) {
                        long start = System.nanoTime();
                        try {
                            client.createConsumerGroup(ConsumerGroup.newBuilder().setName(names + n).build());
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            continue;
                        }
                        if (measuring.get()) {
                            latency.recordMicros(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                            ok.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(warmup.toMillis());
            latency.takeInterval();
            measuring.set(true);
            long measureStart = System.nanoTime();
            for (Future<?> task : tasks) {
                task.get(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
            }
            double seconds = (System.nanoTime() - measureStart) / 1e9;
            return new Report(name(), String.join(",", controllers))
                    .put(Report.MSGS_PER_S, ok.get() / seconds)
                    .latency(Percentiles.ofMicros(latency.takeInterval()))
                    .put(Report.SENT, ok.get())
                    .put(Report.ERRORS, errors.get())
                    .put("threads", threadCount);
        } finally {
            pool.shutdownNow();
            clients.forEach(ControllerClient::close);
        }
    }

    private static String name() {
        return "controller-writes";
    }
}
