package io.kaged.actors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** The small JDBC chores the projections and query classes share. */
public final class Sql {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sql() {}

    /** Runs one statement with positional arguments. */
    public static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** The first column of every row {@code sql} selects, as strings, in its order. */
    public static java.util.List<String> strings(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    /** The rows {@code sql} selects with positional {@code args}, each mapped by {@code row}, in order. */
    public static <T> java.util.List<T> rows(
            Connection c, String sql, io.kaged.actors.query.ListQuery.RowMapper<T> row, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                java.util.List<T> found = new java.util.ArrayList<>();
                while (rs.next()) {
                    found.add(row.map(rs));
                }
                return found;
            }
        }
    }

    /** The first row {@code sql} selects, mapped, if there is one. */
    public static <T> java.util.Optional<T> first(
            Connection c, String sql, io.kaged.actors.query.ListQuery.RowMapper<T> row, Object... args)
            throws SQLException {
        return rows(c, sql, row, args).stream().findFirst();
    }

    /** The first column's bytes of every row {@code sql} selects, joined in order (recorded output). */
    public static byte[] joinedBytes(Connection c, String sql, Object... args) throws SQLException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] chunk : rows(c, sql, rs -> rs.getBytes(1), args)) {
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }

    /** A column holding a JSON array of strings. */
    public static java.util.List<String> stringList(ResultSet rs, String column) throws SQLException {
        try {
            return JSON.readValue(
                    rs.getString(column),
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " holds invalid JSON", e);
        }
    }

    /** The names of a column holding a JSON object (an environment), none when it is null. */
    public static java.util.List<String> keys(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        if (value == null) {
            return java.util.List.of();
        }
        try {
            return java.util.List.copyOf(JSON.readTree(value).properties().stream()
                    .map(java.util.Map.Entry::getKey)
                    .toList());
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " holds invalid JSON", e);
        }
    }

    /** Appends {@code clause} and its argument to a query being built, if the filter value is set. */
    public static void where(StringBuilder sql, java.util.List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            args.add(value);
        }
    }

    /**
     * The {@code env} column of a run or session: the literal variables with their values, and those set from
     * secrets as {@code {"secret": NAME}} (the name, never the value), so {@link #keys} lists both as the
     * view's {@code envKeys}.
     */
    public static String env(java.util.Map<String, String> env, java.util.Map<String, String> secretEnv)
            throws SQLException {
        java.util.Map<String, Object> column = new java.util.TreeMap<>(env);
        secretEnv.forEach((variable, secret) -> column.put(variable, java.util.Map.of("secret", secret)));
        return json(column);
    }

    /** A value as the JSON text stored in a TEXT column. */
    public static String json(Object value) throws SQLException {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot render a column value as JSON", e);
        }
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** An epoch-milliseconds column as ISO-8601 UTC, or null. */
    public static String iso(ResultSet rs, String column) throws SQLException {
        Long ms = nullableLong(rs, column);
        return ms == null ? null : Instant.ofEpochMilli(ms).toString();
    }
}
