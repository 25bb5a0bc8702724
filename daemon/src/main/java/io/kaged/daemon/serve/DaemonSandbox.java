package io.kaged.daemon.serve;

import io.kaged.actors.process.Sandbox;
import io.kaged.daemon.config.LoadedConfig;
import io.kaged.persistence.store.StorageSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this daemon's sandboxes hide: its home (token, store, secrets, config) and, when the SQLite store
 * lives elsewhere, the store's files; the bubblewrap binary they use ({@code kaged.sandbox.bwrap}); and the
 * API socket a sandbox without network gets ({@link ApiSocket}).
 */
final class DaemonSandbox {

    private DaemonSandbox() {}

    static Sandbox.Settings settings(LoadedConfig loaded, StorageSettings storage) {
        Path home = loaded.home().dir().toAbsolutePath().normalize();
        List<Path> hidden = new ArrayList<>(List.of(home));
        Optional<Path> file =
                storage.target().file().map(f -> f.toAbsolutePath().normalize());
        if (file.isPresent() && !file.get().startsWith(home)) {
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                hidden.add(Path.of(file.get() + suffix));
            }
        }
        return new Sandbox.Settings(
                loaded.config().getString("kaged.sandbox.bwrap"),
                hidden,
                ApiSocket.in(loaded.home().dir()));
    }
}
