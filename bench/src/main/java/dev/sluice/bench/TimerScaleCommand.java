package dev.sluice.bench;

import dev.sluice.broker.TopicConfig;
import dev.sluice.store.MessageKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scale of scheduled messages on one broker, in-process (no gRPC: the official client cannot load
 * millions of timers in reasonable time). Schedules many timers spread over days and reports the
 * heap after GC as they pile up, the disk they take and the restart time; then schedules a burst
 * all due within one second on top and reports how fast it drains into its topic and what the
 * ordinary sends running meanwhile see.
 */
@Command(name = "timer-scale", mixinStandardHelpOptions = true,
        description = "In-process: heap/disk/restart with many pending timers, then a burst due within one second "
                + "drained under a steady foreground load.")
public final class TimerScaleCommand implements Callable<Integer> {

    /** Both the pending timers and the burst: the burst leaves its delivered timers in front of the pending ones. */
    static final String DELAY_TOPIC = "scale-delay";
    static final String FOREGROUND_TOPIC = "scale-foreground";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(30);

    @Option(names = "--dir", description = "Data directory (default: a new temporary directory, deleted afterwards)")
    Path dir;

    @Option(names = "--keep-data", description = "Keep the data directory afterwards")
    boolean keepData;

    @Option(names = "--pending", defaultValue = "10000000",
            description = "Timers to schedule, due over --pending-spread (default: ${DEFAULT-VALUE})")
    long pending;

    @Option(names = "--pending-spread", defaultValue = "168h", converter = DurationParser.class,
            description = "They fall due between 1 h and this far ahead (default: ${DEFAULT-VALUE})")
    Duration pendingSpread;

    @Option(names = "--heap-at", split = ",", defaultValue = "1000000,5000000,10000000",
            description = "Pending counts at which to report the heap after GC (default: ${DEFAULT-VALUE})")
    List<Long> heapAt;

    @Option(names = "--burst", defaultValue = "1000000",
            description = "Messages due within one second, scheduled on top of the pending ones (default: ${DEFAULT-VALUE})")
    long burst;

    @Option(names = "--burst-lead", defaultValue = "120s", converter = DurationParser.class,
            description = "The burst falls due this long after its scheduling starts; scheduling must finish "
                    + "before (default: ${DEFAULT-VALUE})")
    Duration burstLead;

    @Option(names = "--foreground-rate", defaultValue = "2000",
            description = "Ordinary sends per second during the burst phase (default: ${DEFAULT-VALUE})")
    double foregroundRate;

    @Option(names = "--baseline", defaultValue = "20s", converter = DurationParser.class,
            description = "Foreground alone before the burst is scheduled, the figures to compare with "
                    + "(default: ${DEFAULT-VALUE})")
    Duration baseline;

    @Option(names = "--body-size", defaultValue = "100", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int bodySize;

    @Option(names = "--queues", defaultValue = "8", description = "Queues per topic (default: ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--json-out", paramLabel = "FILE", description = "Also append the JSON line to this file")
    Path jsonOut;

    @Override
    public Integer call() throws Exception {
        if (pending < 0 || burst < 0 || queues < 1 || bodySize < 0) {
            throw new IllegalArgumentException("--pending and --burst must be ≥ 0, --queues ≥ 1, --body-size ≥ 0");
        }
        boolean temporary = dir == null;
        Path dataDir = temporary ? Files.createTempDirectory("sluice-timer-scale") : dir;
        Report report = new Report("timer-scale", "in-process " + dataDir);
        try {
            run(dataDir, report);
        } finally {
            if (temporary && !keepData) {
                deleteTree(dataDir);
            }
        }
        System.out.print(report.toTable());
        String json = report.toJson();
        System.out.println(json);
        if (jsonOut != null) {
            Files.writeString(jsonOut, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return 0;
    }

    /** Runs every phase on a broker over {@code dataDir}, filling {@code report}. */
    void run(Path dataDir, Report report) throws InterruptedException {
        EmbeddedBroker embedded = EmbeddedBroker.open(dataDir);
        try {
            embedded.broker().createTopic(new TopicConfig(DELAY_TOPIC, MessageKind.DELAY, queues));
            embedded.broker().createTopic(new TopicConfig(FOREGROUND_TOPIC, MessageKind.NORMAL, queues));
            report.put("heap_mib_at_0", heapMibAfterGc());
            loadPending(embedded, report);
            embedded = restart(embedded, dataDir, report);
            if (burst > 0) {
                drainBurst(embedded, report);
            }
            report.put("rss_mib_end", ProcessRss.mib(ProcessHandle.current().pid()).orElse(Double.NaN));
        } finally {
            embedded.close();
        }
    }

    private void loadPending(EmbeddedBroker embedded, Report report) throws InterruptedException {
        long start = System.currentTimeMillis();
        long firstDue = start + TimeUnit.HOURS.toMillis(1);
        long window = Math.max(1, pendingSpread.toMillis() - TimeUnit.HOURS.toMillis(1));
        // a fixed scatter of due times over the window, so timers are inserted out of due order as in real life
        TimerLoader loader = new TimerLoader(embedded.broker(), DELAY_TOPIC, "p", bodySize,
                n -> firstDue + Math.floorMod(n * 0x9E3779B97F4A7C15L, window));
        long loadNanos = 0;
        long done = 0;
        try (Progress progress = Progress.start("timer-scale load", loader::loaded, pending, null)) {
            for (long mark : checkpoints()) {
                long t0 = System.nanoTime();
                loader.load(done, mark);
                loadNanos += System.nanoTime() - t0;
                done = mark;
                report.put("heap_mib_at_" + mark, heapMibAfterGc());
            }
        }
        double seconds = loadNanos / 1e9;
        report.put("pending_loaded", embedded.pendingTimers())
                .put("load_s", seconds)
                .put("load_msgs_per_s", seconds > 0 ? pending / seconds : null)
                .put("commitlog_mib", mib(embedded.commitLogBytes()))
                .put("rocksdb_mib", mib(embedded.rocksDbBytes()))
                .put("rss_mib_loaded", ProcessRss.mib(ProcessHandle.current().pid()).orElse(Double.NaN))
                .put("pending_query_ms_loaded", pendingQueryMillis(embedded));
    }

    /** What {@code sluice admin timers} costs the broker: the median of a few calls, in milliseconds. */
    private static double pendingQueryMillis(EmbeddedBroker embedded) {
        double[] millis = new double[5];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            embedded.pendingTimers();
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(millis);
        return millis[millis.length / 2];
    }

    /** The pending counts to report the heap at: the asked ones up to --pending, and --pending itself. */
    private List<Long> checkpoints() {
        return Stream.concat(heapAt.stream().filter(n -> n > 0 && n < pending), Stream.of(pending))
                .distinct().sorted().toList();
    }

    private EmbeddedBroker restart(EmbeddedBroker before, Path dataDir, Report report) {
        long t0 = System.nanoTime();
        before.close();
        long closed = System.nanoTime();
        EmbeddedBroker after = EmbeddedBroker.open(dataDir);
        long opened = System.nanoTime();
        report.put("close_s", (closed - t0) / 1e9)
                .put("restart_s", (opened - closed) / 1e9)
                .put("pending_after_restart", after.pendingTimers())
                .put("heap_mib_after_restart", heapMibAfterGc());
        return after;
    }

    private void drainBurst(EmbeddedBroker embedded, Report report) throws InterruptedException {
        long pendingBefore = embedded.pendingTimers();
        long storedBefore = embedded.stored(DELAY_TOPIC, queues);
        try (ForegroundLoad foreground = new ForegroundLoad(embedded.broker(), FOREGROUND_TOPIC, foregroundRate,
                bodySize)) {
            CpuMark aloneStart = CpuMark.now();
            TimeUnit.MILLISECONDS.sleep(baseline.toMillis());
            Percentiles alone = Percentiles.ofMicros(foreground.takeInterval());
            report.put("cpu_cores_alone", CpuMark.now().coresSince(aloneStart));

            long dueAt = System.currentTimeMillis() + burstLead.toMillis();
            TimerLoader loader = new TimerLoader(embedded.broker(), DELAY_TOPIC, "b", bodySize, n -> dueAt + n % 1000);
            long t0 = System.nanoTime();
            try (Progress progress = Progress.start("timer-scale burst load", loader::loaded, burst, null)) {
                loader.load(0, burst);
            }
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            if (System.currentTimeMillis() >= dueAt) {
                throw new IllegalStateException("scheduling the burst took " + loadSeconds + " s, past its due time: "
                        + "raise --burst-lead");
            }
            Percentiles whileScheduling = Percentiles.ofMicros(foreground.takeInterval());

            TimeUnit.MILLISECONDS.sleep(Math.max(0, dueAt - System.currentTimeMillis()));
            foreground.takeInterval();
            CpuMark drainCpu = CpuMark.now();
            long drainStart = System.nanoTime();
            long target = storedBefore + burst;
            long deadline = drainStart + DRAIN_TIMEOUT.toNanos();
            try (Progress progress = Progress.start("timer-scale burst drain",
                    () -> embedded.stored(DELAY_TOPIC, queues) - storedBefore, burst, null)) {
                while (embedded.stored(DELAY_TOPIC, queues) < target) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the burst did not drain within " + DRAIN_TIMEOUT);
                    }
                    TimeUnit.MILLISECONDS.sleep(5);
                }
            }
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            Percentiles duringDrain = Percentiles.ofMicros(foreground.takeInterval());
            report.put("cpu_cores_draining", CpuMark.now().coresSince(drainCpu))
                    .put("loadavg_draining", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            // the last batch's timers are deleted just after its append: wait for the counters to say so
            while (embedded.pendingTimers() != pendingBefore) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("pending timers stay at " + embedded.pendingTimers()
                            + " after the burst, not " + pendingBefore);
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }

            put(report, "fg_alone", alone);
            put(report, "fg_scheduling", whileScheduling);
            put(report, "fg_draining", duringDrain);
            report.put("burst", burst)
                    .put("burst_load_s", loadSeconds)
                    .put("burst_drain_s", drainSeconds)
                    .put("burst_drain_msgs_per_s", burst / drainSeconds)
                    .put("pending_after_burst", embedded.pendingTimers())
                    .put("pending_query_ms_after_burst", pendingQueryMillis(embedded))
                    .put("fg_rate", foregroundRate)
                    .put("fg_sent", foreground.succeeded())
                    .put(Report.ERRORS, foreground.failed())
                    .put("first_error", foreground.firstError());
        }
    }

    /** This process's CPU time and the wall clock at one instant: how many cores a phase kept busy. */
    private record CpuMark(long cpuNanos, long wallNanos) {

        static CpuMark now() {
            return new CpuMark(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime(), System.nanoTime());
        }

        double coresSince(CpuMark start) {
            return (double) (cpuNanos - start.cpuNanos) / Math.max(1, wallNanos - start.wallNanos);
        }
    }

    private static void put(Report report, String prefix, Percentiles p) {
        report.put(prefix + "_p50_ms", p.p50Ms()).put(prefix + "_p99_ms", p.p99Ms())
                .put(prefix + "_max_ms", p.maxMs()).put(prefix + "_count", p.count());
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static double heapMibAfterGc() {
        // two rounds: the first may only finish what concurrent marking had started
        System.gc();
        System.gc();
        return mib(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
