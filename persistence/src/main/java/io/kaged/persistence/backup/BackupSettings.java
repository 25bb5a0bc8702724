package io.kaged.persistence.backup;

import com.typesafe.config.Config;
import io.kaged.persistence.store.KagedHome;
import java.nio.file.Path;

/** {@code kaged.backup}: where backups go by default and which PostgreSQL client tools to run. */
public record BackupSettings(Path dir, String pgDump, String pgRestore) {

    public static BackupSettings fromConfig(Config config, KagedHome home) {
        Config c = config.getConfig("kaged.backup");
        String dir = c.getString("dir");
        return new BackupSettings(
                dir.isBlank() ? home.dir().resolve("backups") : home.dir().resolve(dir),
                c.getString("pg-dump"),
                c.getString("pg-restore"));
    }
}
