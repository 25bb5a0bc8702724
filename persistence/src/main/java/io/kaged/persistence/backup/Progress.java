package io.kaged.persistence.backup;

/** Where long store work reports what it is doing, one line at a time, for a person to read. */
@FunctionalInterface
public interface Progress {
    void report(String line);

    Progress SILENT = line -> {};
}
