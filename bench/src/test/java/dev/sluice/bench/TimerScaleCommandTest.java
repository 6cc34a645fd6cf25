package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The in-process scale run at a size of seconds: every phase runs and its figures add up. */
class TimerScaleCommandTest {

    @TempDir
    Path dir;

    @Test
    void everyPhaseRunsAndTheBurstDrainsLeavingThePendingTimersPending() throws Exception {
        TimerScaleCommand command = new TimerScaleCommand();
        new CommandLine(command).parseArgs("--pending", "3000", "--heap-at", "1000,5000", "--burst", "1000",
                "--burst-lead", "2s", "--baseline", "200ms", "--foreground-rate", "200");
        Report report = new Report("timer-scale", "test");

        command.run(dir, report);

        assertThat(report.fields()).containsKeys("heap_mib_at_0", "heap_mib_at_1000", "heap_mib_at_3000",
                "heap_mib_after_restart", "rocksdb_mib", "restart_s", "burst_drain_s", "fg_alone_p99_ms",
                "fg_draining_p99_ms").doesNotContainKey("heap_mib_at_5000");
        assertThat(report.fields()).containsEntry("pending_loaded", 3000L)
                .containsEntry("pending_after_restart", 3000L)
                .containsEntry("pending_after_burst", 3000L)
                .containsEntry(Report.ERRORS, 0L);
        assertThat(report.number("fg_draining_count").orElseThrow()).isPositive();
    }
}
