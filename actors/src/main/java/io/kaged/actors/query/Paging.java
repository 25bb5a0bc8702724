package io.kaged.actors.query;

/**
 * How one page of a list is cut. Lists are ordered by id, and ids are UUIDv7 (time-ordered), so id order
 * is creation order. {@code after} is a keyset cursor: only ids after it in the list's order (greater when
 * ascending, smaller when descending), which an index serves directly, so a deep page costs what the
 * first does; {@code offset} then skips rows past the cursor and costs what it skips.
 *
 * @param after the {@code next} of a previous page, or null for the start
 * @param descending newest first instead of oldest first
 * @param limit most items on the page, 1 to {@link #MAX_LIMIT}
 * @param offset items to skip (after the cursor, if any)
 */
public record Paging(String after, boolean descending, int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public Paging {
        if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
            throw new IllegalArgumentException("limit " + limit + " / offset " + offset + " out of range");
        }
    }

    /** The first page, oldest first, with the default limit. */
    public static Paging first() {
        return new Paging(null, false, DEFAULT_LIMIT, 0);
    }
}
