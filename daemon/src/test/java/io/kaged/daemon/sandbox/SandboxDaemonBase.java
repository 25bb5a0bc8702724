package io.kaged.daemon.sandbox;

import io.kaged.daemon.serve.TestDaemon;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of sandboxed runs through a real daemon share: a kaged home and a workspace under the build
 * folder, not {@code /tmp} (the sandbox's private {@code /tmp} would hide them), and the daemon, closed and its
 * folders removed after each test.
 */
abstract class SandboxDaemonBase {

    private final String prefix;

    /** The folder each test's home and workspace are in. */
    protected Path root;

    protected Path home;
    protected Path workspace;

    /** The daemon under test, which the test starts. */
    protected TestDaemon kaged;

    /** @param prefix the start of the name of {@link #root}, to tell the tests' folders apart */
    protected SandboxDaemonBase(String prefix) {
        this.prefix = prefix;
    }

    @BeforeEach
    void folders() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        root = Files.createTempDirectory(target, prefix);
        home = Files.createDirectories(root.resolve("home"));
        workspace = Files.createDirectories(root.resolve("workspace"));
    }

    @AfterEach
    void stop() throws Exception {
        if (kaged != null) {
            kaged.close();
        }
        // Best effort, as a temporary folder's removal is: the daemon's own files (its API socket) may still
        // vanish as it ends, which a stream over the tree took for an error and failed the test with.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                file.toFile().delete();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                dir.toFile().delete();
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** What run {@code runId} printed on stdout. */
    protected String output(String runId) throws Exception {
        return kaged.call("GET", "/v1/runs/" + runId + "/output?stream=stdout", null)
                .body();
    }

    /** Run {@code runId}'s events, as the API lists them. */
    protected String events(String runId) throws Exception {
        return kaged.call("GET", "/v1/runs/" + runId + "/events?follow=false", null)
                .body();
    }

    /** The audit rows of {@code kind} about {@code subject}. */
    protected com.fasterxml.jackson.databind.JsonNode audit(String kind, String subject) throws Exception {
        return kaged.json("GET", "/v1/audit?kind=" + kind + "&subject=" + subject, null, 200)
                .get("items");
    }
}
