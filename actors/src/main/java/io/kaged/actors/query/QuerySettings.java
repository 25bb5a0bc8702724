package io.kaged.actors.query;

import com.typesafe.config.Config;

/** {@code kaged.query}, read once: what one text-search request may read. */
public record QuerySettings(long searchMaxBytes, int searchMaxItems) {

    public static QuerySettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.query.search");
        QuerySettings s = new QuerySettings(c.getBytes("max-bytes"), c.getInt("max-items"));
        if (s.searchMaxBytes() < 1 || s.searchMaxItems() < 1) {
            throw new com.typesafe.config.ConfigException.BadValue(
                    "kaged.query.search", "max-bytes and max-items must be at least 1");
        }
        return s;
    }

    /** A search for {@code text} within these bounds. */
    public TranscriptSearch search(String text) {
        return new TranscriptSearch(text, searchMaxBytes, searchMaxItems);
    }
}
