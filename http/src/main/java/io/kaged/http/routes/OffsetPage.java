package io.kaged.http.routes;

import java.util.List;

/** A page of a short list that is paged by offset only (projects, prompts, versions). */
record OffsetPage<T>(List<T> items, int limit, int offset) {}
