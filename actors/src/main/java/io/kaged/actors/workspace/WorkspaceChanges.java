package io.kaged.actors.workspace;

import java.util.List;

/**
 * How a workspace differs from a snapshot, or what a restore did to make it equal again.
 *
 * <p>For a diff: {@code added} are files there now and not in the snapshot, {@code modified} differ in
 * content or mode, {@code deleted} are in the snapshot and gone now; {@code patch} is a unified diff of the
 * text files when asked for (null otherwise). For a restore, the same lists name what the restore undid:
 * the added files were removed, the modified ones rewritten, the deleted ones written back.
 */
public record WorkspaceChanges(List<String> added, List<String> modified, List<String> deleted, String patch) {

    public WorkspaceChanges {
        added = List.copyOf(added);
        modified = List.copyOf(modified);
        deleted = List.copyOf(deleted);
    }

    public int count() {
        return added.size() + modified.size() + deleted.size();
    }
}
