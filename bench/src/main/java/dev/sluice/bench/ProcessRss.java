package dev.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** Resident set size of another process, from Linux's {@code /proc/PID/status}. */
public final class ProcessRss {

    private ProcessRss() {
    }

    /** RSS in MiB of process {@code pid}; empty when the process is gone. */
    public static OptionalDouble mib(long pid) {
        try {
            return OptionalDouble.of(parseVmRssKib(Files.readString(Path.of("/proc", Long.toString(pid), "status"))) / 1024.0);
        } catch (NoSuchFileException gone) {
            return OptionalDouble.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/status", e);
        }
    }

    /** The {@code VmRSS:  123456 kB} line's value in KiB. */
    static long parseVmRssKib(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected VmRSS line: '" + line + "'");
                }
                return Long.parseLong(parts[0]);
            }
        }
        throw new IllegalArgumentException("no VmRSS line (a kernel thread or a zombie process?)");
    }
}
