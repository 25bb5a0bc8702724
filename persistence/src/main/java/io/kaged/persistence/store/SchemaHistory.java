package io.kaged.persistence.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether a store's Flyway history already holds exactly the bundled migrations, read with plain JDBC:
 * on a store that is up to date, which is every start but the first after an upgrade, Flyway's ~400
 * classes (with what they pull in, ~4.5 MiB of an idle daemon) then never load
 * (docs/adr/0076-an-idle-daemon-loads-what-it-uses.md).
 *
 * <p>Up to date means what Flyway's own validation would accept without migrating: each bundled script
 * has a successful row of the same version, description, type and checksum, and the history has no
 * other row (none failed, none pending, none unknown). Anything else, or anything this cannot read, is
 * not up to date, and Flyway runs as before: it migrates, or refuses a history that does not match.
 * The checksum is Flyway's (a CRC32 of the script's lines without their line breaks, a leading BOM
 * dropped); {@code SchemaHistoryTest} holds it to what Flyway records, on both engines.
 */
final class SchemaHistory {

    static final String LOCATION = "db/migration";

    /** {@code V<version>__<description>.sql}, as Flyway's default naming reads it. */
    private static final Pattern SCRIPT = Pattern.compile("V([0-9][0-9_.]*)__(.+)\\.sql");

    /** A migration as the history table records it. */
    record Row(String version, String description, String type, Integer checksum) {}

    private SchemaHistory() {}

    /** The schema version of a store whose history matches the bundled scripts; empty if it does not. */
    static Optional<String> upToDate(DataSource dataSource, ClassLoader loader) {
        try {
            List<Row> bundled = bundledCached(loader);
            Optional<Set<Row>> applied = applied(dataSource);
            boolean versionsUnique =
                    bundled.stream().map(Row::version).distinct().count() == bundled.size();
            if (bundled.isEmpty()
                    || !versionsUnique
                    || applied.isEmpty()
                    || !applied.get().equals(new HashSet<>(bundled))) {
                return Optional.empty();
            }
            return bundled.stream().map(Row::version).max(SchemaHistory::compareVersions);
        } catch (RuntimeException e) {
            return Optional.empty(); // Flyway will read them, or say why it cannot
        }
    }

    /**
     * The successful rows of the history, or empty if there is none to read, a row failed, or two rows
     * are alike (each of which Flyway has to judge).
     */
    static Optional<Set<Row>> applied(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT version, description, type, checksum, success FROM flyway_schema_history")) {
            Set<Row> rows = new HashSet<>();
            while (rs.next()) {
                int checksum = rs.getInt(4);
                Integer sum = rs.wasNull() ? null : checksum;
                if (!rs.getBoolean(5) || !rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), sum))) {
                    return Optional.empty();
                }
            }
            return Optional.of(rows);
        } catch (SQLException e) {
            return Optional.empty(); // no history table yet: a new store
        }
    }

    private record Bundled(ClassLoader loader, List<Row> rows) {}

    /** The last loader's scripts: they do not change while it lives, and reading them means reading its jar. */
    private static volatile Bundled last;

    private static List<Row> bundledCached(ClassLoader loader) {
        Bundled b = last;
        if (b == null || b.loader() != loader) {
            b = new Bundled(loader, List.copyOf(bundled(loader)));
            last = b;
        }
        return b.rows();
    }

    /** The bundled scripts as Flyway would record them once applied. */
    static List<Row> bundled(ClassLoader loader) {
        List<Row> rows = new ArrayList<>();
        try {
            Enumeration<URL> roots = loader.getResources(LOCATION);
            while (roots.hasMoreElements()) {
                for (Script script : scripts(roots.nextElement())) {
                    Matcher m = SCRIPT.matcher(script.name());
                    if (!m.matches()) {
                        throw new IllegalStateException("not a versioned migration: " + script.name());
                    }
                    rows.add(new Row(
                            m.group(1).replace('_', '.'), m.group(2).replace('_', ' '), "SQL", script.checksum()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private record Script(String name, int checksum) {}

    /** Every {@code .sql} file under {@code root}, a folder or a folder inside a jar, at any depth. */
    private static List<Script> scripts(URL root) throws IOException {
        List<Script> found = new ArrayList<>();
        if ("jar".equals(root.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) { // opened once: the daemon's jar has ~27,000 entries
                String folder = connection.getEntryName();
                String prefix = folder.endsWith("/") ? folder : folder + "/";
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (!entry.isDirectory() && entry.getName().startsWith(prefix) && isScript(entry.getName())) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            found.add(new Script(
                                    entry.getName().substring(entry.getName().lastIndexOf('/') + 1), checksum(in)));
                        }
                    }
                }
            }
        } else if ("file".equals(root.getProtocol())) {
            try (Stream<Path> files = Files.walk(Path.of(root.toURI()))) {
                for (Path file : files.filter(f -> Files.isRegularFile(f) && isScript(f.toString()))
                        .toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        found.add(new Script(file.getFileName().toString(), checksum(in)));
                    }
                }
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        } else {
            throw new IllegalStateException("cannot list migrations in " + root);
        }
        return found;
    }

    private static boolean isScript(String name) {
        return name.endsWith(".sql");
    }

    /** Flyway's checksum of a script: a CRC32 of its lines in UTF-8, without line breaks or a leading BOM. */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = reader.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }

    /** Flyway's order of versions: dotted parts compared as numbers, a missing part as less. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            if (i >= x.length) {
                return -1;
            }
            if (i >= y.length) {
                return 1;
            }
            int c = Comparator.<BigInteger>naturalOrder().compare(new BigInteger(x[i]), new BigInteger(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
