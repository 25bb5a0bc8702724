package io.kaged.bench.fill;

import io.kaged.bench.Flags;
import io.kaged.daemon.config.ConfigLoader;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.store.StorageConfigException;
import io.kaged.persistence.store.StorageSettings;
import org.slf4j.LoggerFactory;

/**
 * {@code bench/fill-store.sh}: fills the store that {@code kaged serve} would open in this environment
 * (KAGED_MODE, KAGED_HOME, KAGED_DATABASE_URL, kaged.conf, resolved by the daemon's own loader) with
 * {@link StoreFiller}. Exit codes as the CLI's: 0 done, 1 failed, 2 refused or usage.
 */
public final class FillStore {

    private FillStore() {}

    public static void main(String[] args) {
        // Starts logging before any thread logs, so SLF4J need not replay early calls with a warning.
        LoggerFactory.getILoggerFactory();
        FillOptions options;
        try {
            options = FillOptions.parse(args);
        } catch (Flags.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("fill-store: " + e.getMessage());
            }
            System.err.print(FillOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        int code;
        try {
            LoadedConfig loaded = ConfigLoader.load(System.getenv(), null);
            StorageSettings storage = StorageSettings.fromConfig(loaded.config(), loaded.env());
            System.out.println("Store: " + storage.target().masked() + " (from " + storage.targetSource() + "), home "
                    + loaded.home().dir());
            try (StoreFiller filler = StoreFiller.open(loaded.config(), storage)) {
                filler.fill(options, System.out);
            }
            code = 0;
        } catch (StoreFiller.FillRefused | StorageConfigException e) {
            System.err.println("fill-store: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("fill-store failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        // Hikari and Pekko may leave non-daemon threads behind on some platforms.
        System.exit(code);
    }
}
