package io.kaged.actors.workspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

/**
 * Makes a workspace equal to a snapshot's tree, given their {@link TreeComparison}: the files added since
 * are removed first (a file may stand where the tree has a folder, or a symbolic link where it has a file),
 * then the modified and deleted ones are written from their blobs. Each file is written beside its place
 * and moved over it, so a symbolic link in the way is replaced, never followed. Folders emptied by the
 * removals go too. {@code .git} and ignored files are never in the comparison, so never touched.
 */
final class FolderRestore {

    private FolderRestore() {}

    static void apply(Repository repo, Path root, TreeComparison.Result diff) throws IOException {
        for (String path : diff.added()) {
            Path file = root.resolve(path);
            Files.deleteIfExists(file);
            removeEmptyParents(root, file.getParent());
        }
        try (ObjectReader reader = repo.newObjectReader()) {
            for (String path : concat(diff.modified(), diff.deleted())) {
                write(reader, root, path, diff.tree().get(path));
            }
        }
    }

    private static void write(ObjectReader reader, Path root, String path, TreeComparison.Target target)
            throws IOException {
        Path file = root.resolve(path);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot restore " + path + ": a folder is in its place (its files are ignored)");
        }
        ObjectLoader blob = reader.open(target.id());
        if (target.mode() == FileMode.SYMLINK) {
            Files.deleteIfExists(file);
            Files.createSymbolicLink(file, Path.of(new String(blob.getCachedBytes(), StandardCharsets.UTF_8)));
            return;
        }
        Path temp = Files.createTempFile(dir, ".kaged-restore-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                blob.copyTo(out);
            }
            Set<PosixFilePermission> perms = EnumSet.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.GROUP_READ,
                    PosixFilePermission.OTHERS_READ);
            if (target.mode() == FileMode.EXECUTABLE_FILE) {
                perms.addAll(List.of(
                        PosixFilePermission.OWNER_EXECUTE,
                        PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
            }
            Files.setPosixFilePermissions(temp, perms);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void removeEmptyParents(Path root, Path dir) throws IOException {
        while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException e) {
                return;
            }
            dir = dir.getParent();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
