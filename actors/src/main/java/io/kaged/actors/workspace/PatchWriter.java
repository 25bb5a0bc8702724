package io.kaged.actors.workspace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

/**
 * The unified diff of a {@link TreeComparison}, snapshot on the {@code a/} side and the workspace now on
 * the {@code b/} side, as {@code git diff} prints it. Binary files and files past the bound are named, not
 * shown; the whole patch stops at {@code maxBytes}, saying so.
 */
final class PatchWriter {

    private static final DiffAlgorithm ALGORITHM =
            DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM);

    private PatchWriter() {}

    static String write(Repository repo, TreeComparison.Result diff, long maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectReader reader = repo.newObjectReader()) {
            for (String path : diff.modified()) {
                if (!file(reader, out, path, diff.tree().get(path), diff.now().get(path), maxBytes)) {
                    return cut(out, maxBytes);
                }
            }
            for (String path : diff.added()) {
                if (!file(reader, out, path, null, diff.now().get(path), maxBytes)) {
                    return cut(out, maxBytes);
                }
            }
            for (String path : diff.deleted()) {
                if (!file(reader, out, path, diff.tree().get(path), null, maxBytes)) {
                    return cut(out, maxBytes);
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** False once the patch has reached its bound. */
    private static boolean file(
            ObjectReader reader,
            ByteArrayOutputStream out,
            String path,
            TreeComparison.Target before,
            FolderWalk.Entry after,
            long maxBytes)
            throws IOException {
        if (out.size() >= maxBytes) {
            return false;
        }
        byte[] a = before == null ? new byte[0] : blob(reader, before, maxBytes);
        byte[] b = after == null ? new byte[0] : content(after, maxBytes);
        header(out, "diff --git a/" + path + " b/" + path);
        if (before == null) {
            header(out, "new file");
        } else if (after == null) {
            header(out, "deleted file");
        }
        if (a == null || b == null || RawText.isBinary(a) || RawText.isBinary(b)) {
            header(
                    out,
                    "Binary files " + (before == null ? "/dev/null" : "a/" + path) + " and "
                            + (after == null ? "/dev/null" : "b/" + path) + " differ");
            return true;
        }
        header(out, "--- " + (before == null ? "/dev/null" : "a/" + path));
        header(out, "+++ " + (after == null ? "/dev/null" : "b/" + path));
        RawText ta = new RawText(a);
        RawText tb = new RawText(b);
        EditList edits = ALGORITHM.diff(RawTextComparator.DEFAULT, ta, tb);
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.format(edits, ta, tb);
        }
        return true;
    }

    /** The snapshot's bytes of a file, or null when they are too big to show. */
    private static byte[] blob(ObjectReader reader, TreeComparison.Target t, long maxBytes) throws IOException {
        if (reader.getObjectSize(t.id(), org.eclipse.jgit.lib.Constants.OBJ_BLOB) > maxBytes) {
            return null;
        }
        return reader.open(t.id()).getCachedBytes();
    }

    /** The file's bytes now, or null when it is too big to show. */
    private static byte[] content(FolderWalk.Entry f, long maxBytes) throws IOException {
        if (f.mode() == FileMode.SYMLINK) {
            return SnapshotScan.target(f);
        }
        return f.size() > maxBytes ? null : Files.readAllBytes(f.file());
    }

    private static void header(ByteArrayOutputStream out, String line) {
        out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String cut(ByteArrayOutputStream out, long maxBytes) {
        return out.toString(StandardCharsets.UTF_8) + "... (patch cut at " + maxBytes
                + " bytes: kaged.workspaces.max-patch-size)\n";
    }
}
