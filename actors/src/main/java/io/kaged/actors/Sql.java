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

    /** Appends {@code clause} and its argument to a query being built, if the filter value is set. */
    public static void where(StringBuilder sql, java.util.List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            args.add(value);
        }
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
