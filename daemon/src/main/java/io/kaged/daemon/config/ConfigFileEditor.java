package io.kaged.daemon.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.kaged.persistence.store.PrivateFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets one top-level dotted key in the operator's HOCON file, keeping every other line (and comment) as it
 * was. A line that already sets the key in dotted form is replaced; otherwise the key is appended, which
 * in HOCON wins over any earlier nested definition. The file is kept mode 0600: it may hold a password.
 */
public final class ConfigFileEditor {

    private ConfigFileEditor() {}

    public static void set(Path file, String key, String value) throws IOException {
        String line = key + " = " + ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().matches("^" + java.util.regex.Pattern.quote(key) + "\\s*[=:].*")) {
                lines.set(i, line);
                replaced = true;
            }
        }
        if (!replaced) {
            if (lines.isEmpty()) {
                lines.add("# kaged config; see conf/kaged.conf in the kaged repository for every key.");
            }
            lines.add(line);
        }
        PrivateFolders.create(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, lines);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
