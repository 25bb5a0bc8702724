package io.kaged.persistence.store;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything the store needs, read once from {@code kaged.storage} (see reference.conf for every key and
 * what it bounds). The URL resolves as DESIGN.md fixes it: env {@code KAGED_DATABASE_URL}, then config
 * {@code kaged.storage.url}, then the SQLite file in the kaged home of the current mode.
 */
public record StorageSettings(
        StorageTarget target,
        String targetSource,
        KagedHome home,
        int poolSize,
        Duration connectionTimeout,
        Duration sqliteBusyTimeout,
        String sqliteSynchronous,
        long sqliteMmapBytes,
        int sqlitePageSize,
        WalCheckpoints sqliteCheckpoints,
        int postgresWriteLanes,
        int maxBatchRows) {

    /**
     * Where SQLite's write-ahead log is copied into the database: on a background thread of its own
     * ({@link WalCheckpointer}) from {@code passiveAfterBytes} of log, with writers waiting only from
     * {@code restartAfterBytes}; or, when {@code background} is off, inside the commit that crosses
     * SQLite's default 1,000 pages.
     */
    public record WalCheckpoints(
            boolean background,
            long passiveAfterBytes,
            long restartAfterBytes,
            long holdWritesAfterBytes,
            Duration interval,
            Duration syncEvery) {}

    public static final String ENV_URL = "KAGED_DATABASE_URL";
    public static final String ENV_MODE = "KAGED_MODE";
    private static final Set<String> SYNC_LEVELS = Set.of("OFF", "NORMAL", "FULL", "EXTRA");

    /** Reads settings from {@code config} with the process environment on top. */
    public static StorageSettings fromConfig(Config config) {
        return fromConfig(config, System.getenv());
    }

    public static StorageSettings fromConfig(Config config, Map<String, String> env) {
        Config c = config.getConfig("kaged.storage");
        Mode mode = env.containsKey(ENV_MODE)
                ? Mode.parse(env.get(ENV_MODE), ENV_MODE)
                : Mode.parse(config.getString("kaged.mode"), "kaged.mode");
        KagedHome home = KagedHome.resolve(mode, homeEnv(config, env));
        StorageTarget target;
        String source;
        String fromEnv = env.get(ENV_URL);
        if (fromEnv != null && !fromEnv.isBlank()) {
            source = ENV_URL;
            target = StorageTarget.parse(fromEnv, source, home.dir());
        } else if (!c.getString("url").isBlank()) {
            source = "kaged.storage.url";
            target = StorageTarget.parse(c.getString("url"), source, home.dir());
        } else {
            source = "default (" + mode.label() + " mode)";
            target = StorageTarget.sqlite(home.defaultDatabase());
        }
        String sync = c.getString("sqlite.synchronous").toUpperCase(Locale.ROOT);
        if (!SYNC_LEVELS.contains(sync)) {
            throw new StorageConfigException("kaged.storage.sqlite.synchronous must be one of " + SYNC_LEVELS
                    + ", got '" + sync + "' (example: synchronous = NORMAL)");
        }
        long mmap = c.getBytes("sqlite.mmap-size");
        if (mmap < 0) {
            throw new StorageConfigException("kaged.storage.sqlite.mmap-size must be 0 (off) or a size, got " + mmap
                    + " (example: mmap-size = 1GiB)");
        }
        long pageSize = c.getBytes("sqlite.page-size");
        if (pageSize < 512 || pageSize > 65536 || Long.bitCount(pageSize) != 1) {
            throw new StorageConfigException("kaged.storage.sqlite.page-size must be a power of two from 512 to 65536"
                    + " bytes, got " + pageSize + " (example: page-size = 1KiB)");
        }
        WalCheckpoints checkpoints = new WalCheckpoints(
                c.getBoolean("sqlite.checkpoint.background"),
                c.getBytes("sqlite.checkpoint.passive-after"),
                c.getBytes("sqlite.checkpoint.restart-after"),
                c.getBytes("sqlite.checkpoint.hold-writes-after"),
                c.getDuration("sqlite.checkpoint.interval"),
                c.getDuration("sqlite.checkpoint.sync-every"));
        if (checkpoints.passiveAfterBytes() <= 0
                || checkpoints.restartAfterBytes() < checkpoints.passiveAfterBytes()
                || checkpoints.holdWritesAfterBytes() <= checkpoints.restartAfterBytes()
                || checkpoints.interval().isNegative()
                || checkpoints.interval().isZero()
                || checkpoints.syncEvery().isNegative()
                || checkpoints.syncEvery().isZero()) {
            throw new StorageConfigException("kaged.storage.sqlite.checkpoint needs 0 < passive-after <= restart-after"
                    + " < hold-writes-after and a positive interval and sync-every, got passive-after "
                    + checkpoints.passiveAfterBytes() + ", restart-after " + checkpoints.restartAfterBytes()
                    + ", hold-writes-after " + checkpoints.holdWritesAfterBytes() + ", interval "
                    + checkpoints.interval() + ", sync-every " + checkpoints.syncEvery()
                    + " (example: passive-after = 4MiB, restart-after = 64MiB, hold-writes-after = 256MiB,"
                    + " interval = 100ms, sync-every = 1s)");
        }
        int poolSize =
                target.engine() == Engine.SQLITE ? c.getInt("sqlite.pool-size") : c.getInt("postgresql.pool-size");
        if (poolSize < 2) {
            throw new StorageConfigException(
                    "the pool size must be at least 2 (one writer, one reader), got " + poolSize);
        }
        return new StorageSettings(
                target,
                source,
                home,
                poolSize,
                c.getDuration("connection-timeout"),
                c.getDuration("sqlite.busy-timeout"),
                sync,
                mmap,
                (int) pageSize,
                checkpoints,
                Math.max(1, c.getInt("postgresql.write-lanes")),
                Math.max(1, c.getInt("max-batch-rows")));
    }

    /** {@code kaged.home} in config stands for KAGED_HOME when the environment does not set it. */
    private static Map<String, String> homeEnv(Config config, Map<String, String> env) {
        if (env.containsKey(KagedHome.ENV_HOME)
                || !config.hasPath("kaged.home")
                || config.getString("kaged.home").isBlank()) {
            return env;
        }
        var merged = new java.util.HashMap<>(env);
        merged.put(KagedHome.ENV_HOME, config.getString("kaged.home"));
        return merged;
    }

    /** Threads that may write at once: SQLite has one file lock, so one; PostgreSQL takes a few. */
    public int writeLanes() {
        return target.engine() == Engine.SQLITE ? 1 : postgresWriteLanes;
    }
}
