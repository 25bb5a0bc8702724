package io.kaged.actors.process;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources an attempt's process tree may use, applied through a cgroup v2 where the host delegates one
 * ({@link Cgroups}). Each is optional; an unset one is not limited.
 *
 * @param memory the most memory the tree may hold, {@code 512M}: bytes, or a number with {@code K}, {@code
 *     M}, {@code G} or {@code T} (powers of 1024); past it the kernel kills a process of the tree
 * @param cpu the share of one CPU the tree may use, {@code 0.5} for half of one, {@code 2} for two
 * @param pids the most processes and threads the tree may have at once; a fork past it fails
 */
public record SandboxLimits(
        @JsonInclude(JsonInclude.Include.NON_NULL) String memory,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double cpu,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer pids) {

    /** The smallest memory limit taken: below it a shell cannot start. */
    public static final long MIN_MEMORY = 1024 * 1024;

    public static final double MIN_CPU = 0.01;
    public static final double MAX_CPU = 1024;
    public static final int MAX_PIDS = 4_194_304;

    /** The CPU period the quota is a share of, in microseconds (the kernel's default). */
    static final long CPU_PERIOD_US = 100_000;

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})([KMGT]?)", Pattern.CASE_INSENSITIVE);

    /** Why these limits cannot be applied anywhere, for a 400; null when they are well formed. */
    public String problem() {
        if (memory != null) {
            Long bytes = bytes(memory);
            if (bytes == null || bytes < MIN_MEMORY) {
                return "Field 'sandbox.limits.memory' must be a size of at least 1M: bytes, or a number with K, M, G"
                        + " or T, such as \"512M\"; not: " + memory;
            }
        }
        if (cpu != null && !(cpu >= MIN_CPU && cpu <= MAX_CPU)) {
            return "Field 'sandbox.limits.cpu' must be a number of CPUs from " + MIN_CPU + " to " + (int) MAX_CPU
                    + ", such as 0.5; not: " + cpu;
        }
        if (pids != null && (pids < 1 || pids > MAX_PIDS)) {
            return "Field 'sandbox.limits.pids' must be from 1 to " + MAX_PIDS + "; not: " + pids;
        }
        return null;
    }

    /** Whether any limit is set. */
    @JsonIgnore
    public boolean any() {
        return memory != null || cpu != null || pids != null;
    }

    /** The cgroup controllers these limits need, in the kernel's names. */
    List<String> controllers() {
        List<String> names = new ArrayList<>(3);
        if (cpu != null) {
            names.add("cpu");
        }
        if (memory != null) {
            names.add("memory");
        }
        if (pids != null) {
            names.add("pids");
        }
        return names;
    }

    /** {@link #memory} in bytes. */
    long memoryBytes() {
        return bytes(memory);
    }

    /** The value of {@code cpu.max}: the quota and the period, in microseconds. */
    String cpuMax() {
        long quota = Math.max(1000, Math.round(cpu * CPU_PERIOD_US));
        return quota + " " + CPU_PERIOD_US;
    }

    /** For a person, as in an event: {@code memory 512M, cpu 0.5, pids 256}. */
    public String describe() {
        List<String> parts = new ArrayList<>(3);
        if (memory != null) {
            parts.add("memory " + memory);
        }
        if (cpu != null) {
            parts.add("cpu " + (cpu == Math.rint(cpu) ? String.valueOf(cpu.longValue()) : String.valueOf(cpu)));
        }
        if (pids != null) {
            parts.add("pids " + pids);
        }
        return String.join(", ", parts);
    }

    private static Long bytes(String size) {
        Matcher m = SIZE.matcher(size.trim());
        if (!m.matches()) {
            return null;
        }
        int shift =
                switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    case "G" -> 30;
                    case "T" -> 40;
                    default -> 0;
                };
        try {
            long n = Long.parseLong(m.group(1));
            return n > (Long.MAX_VALUE >> shift) ? null : n << shift;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
