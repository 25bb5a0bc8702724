package io.kaged.actors;

/**
 * What a purge or a retention step deleted, or in a plan would delete: {@code items} runs or sessions (or,
 * for trimmed output, runs trimmed), their journal {@code events}, {@code snapshots}, {@code checkpoints}
 * and output {@code chunks}, and {@code bytes}: journal and snapshot payloads plus output data.
 */
public record Removed(long items, long events, long snapshots, long checkpoints, long chunks, long bytes) {

    public static final Removed NONE = new Removed(0, 0, 0, 0, 0, 0);

    /** The counts under readable names, {@code items} named {@code itemsName} ("runs", "sessions"). */
    public java.util.Map<String, Object> named(String itemsName) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put(itemsName, items);
        m.put("events", events);
        m.put("snapshots", snapshots);
        m.put("checkpoints", checkpoints);
        m.put("chunks", chunks);
        m.put("bytes", bytes);
        return m;
    }

    public Removed plus(Removed o) {
        return new Removed(
                items + o.items,
                events + o.events,
                snapshots + o.snapshots,
                checkpoints + o.checkpoints,
                chunks + o.chunks,
                bytes + o.bytes);
    }
}
