package io.kaged.actors.query;

import io.kaged.actors.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A list query under construction: the filters as SQL conditions, then one keyset page of the rows
 * ordered by id. Every list route (sessions, runs, audit) pages through this one class, so they share one
 * meaning of {@code limit}, {@code offset}, the cursor and {@code next}.
 */
public final class ListQuery {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Candidates fetched per round while a text search filters them. */
    private static final int SEARCH_BATCH = 200;

    private final String select;
    private final String idColumn;
    private final StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    private final List<Object> args = new ArrayList<>();
    private String perItem;

    /**
     * @param select the query up to its {@code FROM} clause, e.g. {@code SELECT ... FROM runs r}
     * @param idColumn the id column as the query names it, e.g. {@code r.id}
     */
    public ListQuery(String select, String idColumn) {
        this.select = select;
        this.idColumn = idColumn;
    }

    /**
     * Adds columns computed for the page's items only, after the page is cut: a correlated count, say. In
     * the select list itself PostgreSQL would compute them for every row an offset skips as well. They
     * see the page's rows as {@code p} ({@code p.id}).
     */
    public ListQuery perItem(String columns) {
        this.perItem = columns;
        return this;
    }

    /** Adds {@code clause} (starting with {@code AND}) with its one argument, if the value is set. */
    public ListQuery where(String clause, Object value) {
        Sql.where(where, args, clause, value);
        return this;
    }

    /** Created in the window of a list's filter: from {@code after} (inclusive) to {@code before} (exclusive). */
    public ListQuery createdBetween(String column, Long after, Long before) {
        return where(" AND " + column + " >= ?", after).where(" AND " + column + " < ?", before);
    }

    /** One page; one row more than the limit is read to know whether another page follows. */
    public <T> Page<T> page(Connection c, Paging p, RowMapper<T> rows, Function<T, String> idOf) throws SQLException {
        List<T> found = fetch(c, p.after(), p.descending(), p.limit() + 1, p.offset(), rows);
        String next = null;
        if (found.size() > p.limit()) {
            found = found.subList(0, p.limit());
            next = idOf.apply(found.get(p.limit() - 1));
        }
        return new Page<>(List.copyOf(found), p.limit(), p.offset(), next, null);
    }

    /** A page of the rows whose output contains {@code search}'s text, or of all rows when it is null. */
    public <T> Page<T> page(
            Connection c, Paging p, RowMapper<T> rows, Function<T, String> idOf, TranscriptSearch search)
            throws SQLException {
        return search == null ? page(c, p, rows, idOf) : searchPage(c, p, rows, idOf, search);
    }

    /**
     * One page of the rows whose transcript contains the search's text. Candidates are read in list order
     * and searched one by one until the page is full, the candidates run out, or the search's bounds are
     * reached; in the last case {@code next} is the last candidate searched, so the client continues
     * where the scan stopped. Offsets do not combine with a search (a continued scan could not honour
     * them), so {@code p.offset()} must be 0.
     */
    public <T> Page<T> searchPage(
            Connection c, Paging p, RowMapper<T> rows, Function<T, String> idOf, TranscriptSearch search)
            throws SQLException {
        if (p.offset() != 0) {
            throw new IllegalArgumentException("a text search pages by cursor only, not by offset");
        }
        TranscriptSearch.Scan scan = search.start();
        List<T> items = new ArrayList<>();
        String cursor = p.after();
        String next = null;
        boolean complete = true;
        rounds:
        while (true) {
            List<T> batch = fetch(c, cursor, p.descending(), SEARCH_BATCH, 0, rows);
            for (T candidate : batch) {
                String id = idOf.apply(candidate);
                TranscriptSearch.Outcome found = scan.search(c, id);
                if (found == TranscriptSearch.Outcome.BOUNDS_REACHED) {
                    next = cursor;
                    complete = false;
                    break rounds;
                }
                cursor = id;
                if (found == TranscriptSearch.Outcome.MATCH) {
                    items.add(candidate);
                    if (items.size() == p.limit()) {
                        next = id;
                        break rounds;
                    }
                }
            }
            if (batch.size() < SEARCH_BATCH) {
                break;
            }
        }
        return new Page<>(List.copyOf(items), p.limit(), p.offset(), next, scan.report(complete));
    }

    private <T> List<T> fetch(Connection c, String after, boolean descending, int limit, int offset, RowMapper<T> rows)
            throws SQLException {
        StringBuilder sql = new StringBuilder(select).append(where);
        List<Object> all = new ArrayList<>(args);
        Sql.where(sql, all, " AND " + idColumn + (descending ? " < ?" : " > ?"), after);
        sql.append(" ORDER BY ").append(idColumn).append(descending ? " DESC" : " ASC");
        sql.append(" LIMIT ? OFFSET ?");
        all.add(limit);
        all.add(offset);
        if (perItem != null) {
            String id = idColumn.substring(idColumn.indexOf('.') + 1);
            sql.insert(0, "SELECT p.*, " + perItem + " FROM (")
                    .append(") p ORDER BY p.")
                    .append(id)
                    .append(descending ? " DESC" : " ASC");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < all.size(); i++) {
                ps.setObject(i + 1, all.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<T> found = new ArrayList<>();
                while (rs.next()) {
                    found.add(rows.map(rs));
                }
                return found;
            }
        }
    }
}
