package io.kaged.actors.workspace;

import java.util.List;

/**
 * A workspace's files recorded at a checkpoint.
 *
 * @param id the snapshot's commit in the run's workspace repository
 * @param files how many files the snapshot holds
 * @param bytes their total size
 * @param skipped the files left out, with why (past a size bound, unreadable); ignored files are not listed
 */
public record WorkspaceSnapshot(String id, int files, long bytes, List<Skipped> skipped) {

    public record Skipped(String path, String reason) {}

    public WorkspaceSnapshot {
        skipped = List.copyOf(skipped);
    }
}
