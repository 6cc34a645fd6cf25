package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessRssTest {

    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            Pid:\t12345
            VmPeak:\t 5123456 kB
            VmSize:\t 5023456 kB
            VmHWM:\t  412000 kB
            VmRSS:\t  409600 kB
            RssAnon:\t  300000 kB
            Threads:\t42
            """;

    @Test
    void readsVmRssInKib() {
        assertThat(ProcessRss.parseVmRssKib(STATUS)).isEqualTo(409_600);
    }

    @Test
    void kernelThreadsHaveNoRss() {
        assertThatThrownBy(() -> ProcessRss.parseVmRssKib("Name:\tkthreadd\nState:\tS (sleeping)\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no VmRSS");
    }

    @Test
    void rejectsAnUnexpectedUnit() {
        assertThatThrownBy(() -> ProcessRss.parseVmRssKib("VmRSS:\t 12 MB\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VmRSS");
    }

    @Test
    void readsThisProcessFromProc() {
        assertThat(ProcessRss.mib(ProcessHandle.current().pid())).isPresent();
        assertThat(ProcessRss.mib(ProcessHandle.current().pid()).getAsDouble()).isPositive();
    }

    @Test
    void aProcessThatIsGoneHasNoRss() {
        assertThat(ProcessRss.mib(Long.MAX_VALUE)).isEmpty();
    }
}
