package io.kaged.actors.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.eclipse.jgit.lib.FileMode;

/**
 * The files of a workspace as a snapshot sees them: regular files and symbolic links (never followed), with
 * every {@code .git} (folder or file) and whatever the {@code .gitignore} files ignore left out. Nested
 * {@code .gitignore} files apply below their folder, deepest first, as git reads them; an ignored folder is
 * not entered, so a file under it cannot be re-included (git's rule too).
 */
final class FolderWalk {

    /** One file: {@code path} is relative to the workspace, with {@code /} between names. */
    record Entry(String path, Path file, FileMode mode, long size, Instant modified) {}

    private record Rules(String dir, IgnoreNode node) {}

    private FolderWalk() {}

    /** The files in path order, so bounds skip the same files each time. */
    static List<Entry> walk(Path root) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            throw new IOException("the workspace " + root + " is not a folder");
        }
        Deque<Rules> rules = new ArrayDeque<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, dir);
                if (!rel.isEmpty() && (isDotGit(dir) || ignored(rules, rel, true))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                rules.push(new Rules(rel, read(dir.resolve(".gitignore"))));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                rules.pop();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = relative(root, file);
                if (isDotGit(file)
                        || !(attrs.isRegularFile() || attrs.isSymbolicLink())
                        || ignored(rules, rel, false)) {
                    return FileVisitResult.CONTINUE;
                }
                FileMode mode = attrs.isSymbolicLink()
                        ? FileMode.SYMLINK
                        : executable(file) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
                entries.add(new Entry(
                        rel, file, mode, attrs.size(), attrs.lastModifiedTime().toInstant()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // a file that vanished or cannot be read while walking is not part of this snapshot
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort(java.util.Comparator.comparing(Entry::path));
        return entries;
    }

    /** Whether {@code rel} is ignored by the rules of its folders, the deepest folder's deciding first. */
    static boolean ignored(Iterable<Rules> rules, String rel, boolean directory) {
        for (Rules r : rules) {
            if (r.node() == null) {
                continue;
            }
            String inDir = r.dir().isEmpty() ? rel : rel.substring(r.dir().length() + 1);
            Boolean verdict = r.node().checkIgnored(inDir, directory);
            if (verdict != null) {
                return verdict;
            }
        }
        return false;
    }

    private static IgnoreNode read(Path gitignore) throws IOException {
        if (!Files.isRegularFile(gitignore)) {
            return null;
        }
        IgnoreNode node = new IgnoreNode();
        try (InputStream in = Files.newInputStream(gitignore)) {
            node.parse(gitignore.toString(), in);
        }
        return node;
    }

    private static boolean isDotGit(Path p) {
        return p.getFileName() != null && p.getFileName().toString().equals(".git");
    }

    /** The walk's own attributes do not carry the permissions, so they are read apart. */
    private static boolean executable(Path file) {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                    .contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
