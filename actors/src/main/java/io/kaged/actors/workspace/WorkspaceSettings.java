package io.kaged.actors.workspace;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * {@code kaged.workspaces}, read once; see reference.conf.
 *
 * @param dir where the snapshot repositories live; null when the daemon has not set it (no workspace can be
 *     snapshotted then)
 */
public record WorkspaceSettings(
        Path dir, long maxFileBytes, long maxSnapshotBytes, long maxPatchBytes, int maxListedPaths) {

    public static WorkspaceSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.workspaces");
        String dir = c.getString("dir");
        return new WorkspaceSettings(
                dir.isBlank() ? null : Path.of(dir),
                c.getBytes("max-file-size"),
                c.getBytes("max-snapshot-size"),
                c.getBytes("max-patch-size"),
                c.getInt("max-listed-paths"));
    }
}
