package io.kaged.daemon.serve;

import io.kaged.persistence.store.Store;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Looks for values (ids, persistence ids) in every text column of every table the database reports, so
 * that a table added later, whose rows a purge forgets, is found without anyone listing it here. Binary
 * columns (payloads, output) are not searched.
 */
public final class SchemaScan {

    private static final Set<Integer> TEXT = Set.of(
            Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB);

    private SchemaScan() {}

    /** Every user table and its text columns. */
    public static Map<String, List<String>> textColumns(Store store) throws SQLException {
        return store.withConnection(c -> {
            DatabaseMetaData md = c.getMetaData();
            String schema = store.engine() == io.kaged.persistence.store.Engine.POSTGRESQL ? "public" : null;
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, schema, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String name = rs.getString("TABLE_NAME");
                    if (!name.startsWith("sqlite_")) {
                        tables.add(name);
                    }
                }
            }
            Map<String, List<String>> columns = new LinkedHashMap<>();
            for (String table : tables) {
                List<String> text = new ArrayList<>();
                try (ResultSet rs = md.getColumns(null, schema, table, "%")) {
                    while (rs.next()) {
                        if (TEXT.contains(rs.getInt("DATA_TYPE"))) {
                            text.add(rs.getString("COLUMN_NAME"));
                        }
                    }
                }
                columns.put(table, text);
            }
            return columns;
        });
    }

    /**
     * For each table (but {@code except}), the number of rows with a text column that contains one of
     * {@code values}; tables with none are left out.
     */
    public static Map<String, Long> rowsMentioning(Store store, Collection<String> values, Set<String> except)
            throws SQLException {
        Map<String, List<String>> columns = textColumns(store);
        return store.withConnection(c -> {
            Map<String, Long> found = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> t : columns.entrySet()) {
                if (except.contains(t.getKey()) || t.getValue().isEmpty()) {
                    continue;
                }
                long n = count(c, t.getKey(), t.getValue(), values);
                if (n > 0) {
                    found.put(t.getKey(), n);
                }
            }
            return found;
        });
    }

    private static long count(Connection c, String table, List<String> columns, Collection<String> values)
            throws SQLException {
        List<String> terms = new ArrayList<>();
        for (String column : columns) {
            for (int i = 0; i < values.size(); i++) {
                terms.add(column + " LIKE ?");
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + String.join(" OR ", terms))) {
            int i = 1;
            for (int col = 0; col < columns.size(); col++) {
                for (String v : values) {
                    ps.setString(i++, "%" + v + "%");
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The number of rows of every table, for "nothing changed" checks. */
    public static Map<String, Long> rowCounts(Store store) throws SQLException {
        Map<String, List<String>> columns = textColumns(store);
        return store.withConnection(c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : columns.keySet()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                        ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
            return counts;
        });
    }
}
