package io.kaged.actors.process;

/**
 * A resource limit an attempt's process tree ran into, read from its cgroup when it ended.
 *
 * @param limit {@code memory} (the kernel killed a process of the tree: {@code memory.events oom_kill}) or
 *     {@code pids} (a fork was refused: {@code pids.events max})
 * @param count how many times
 */
public record LimitHit(String limit, long count) {

    /** For a person, as in an audit row. */
    public String describe() {
        return "memory".equals(limit)
                ? "memory limit reached: " + count + " process" + (count == 1 ? "" : "es") + " killed (OOM)"
                : "pids limit reached: " + count + " fork" + (count == 1 ? "" : "s") + " refused";
    }
}
