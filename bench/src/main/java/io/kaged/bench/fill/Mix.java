package io.kaged.bench.fill;

import java.util.List;
import java.util.Random;

/**
 * The made-up world the fill draws from: projects, programs, what they print and how they fail. Kept in
 * one place so the proportions that the benchmark's filters hit (a state, a project) are easy to read.
 */
final class Mix {

    static final List<String> PROJECTS = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7");

    /** A program, its arguments, and lines it prints on success. */
    record Program(List<String> argv, List<String> lines) {}

    static final List<Program> PROGRAMS = List.of(
            new Program(
                    List.of("claude", "-p", "--output-format", "text"),
                    List.of(
                            "Reading src/main/java/App.java",
                            "Editing src/main/java/App.java (+12 -3)",
                            "Running the tests: 214 passed",
                            "Summary: fixed the off-by-one in the pager and added a test")),
            new Program(
                    List.of("make", "test"),
                    List.of(
                            "cc -O2 -Wall -c src/buffer.c -o build/buffer.o",
                            "cc -O2 -Wall -c src/pty.c -o build/pty.o",
                            "ld -o build/kagetest build/*.o",
                            "ok 1 - buffer grows\nok 2 - pty resizes")),
            new Program(
                    List.of("pytest", "-q", "tests/"),
                    List.of("........................................ [ 62%]", "........................ [100%]")),
            new Program(
                    List.of("npm", "run", "build"),
                    List.of("> web@2.3.1 build", "> vite build", "dist/index.html  0.46 kB", "built in 4.12s")),
            new Program(
                    List.of("cargo", "test", "--workspace"),
                    List.of("   Compiling kage-core v0.4.2", "running 87 tests", "test result: ok. 87 passed")),
            new Program(
                    List.of("/usr/bin/python3", "agents/review.py", "--diff", "HEAD~1"),
                    List.of("loaded 3 files", "review: 2 comments", "wrote review.md")),
            new Program(List.of("go", "test", "./..."), List.of("ok  \tkage/store\t0.214s", "ok  \tkage/http\t0.087s")),
            new Program(
                    List.of("/bin/bash", "-c", "./scripts/deploy.sh staging"),
                    List.of("deploying to staging", "rsync: 143 files", "healthy after 3.2 s")),
            new Program(
                    List.of("codex", "exec", "--full-auto"),
                    List.of("plan: 3 steps", "step 1/3 done", "step 2/3 done", "step 3/3 done")));

    /** How often each program is chosen, in {@link #PROGRAMS} order. */
    private static final int[] PROGRAM_WEIGHTS = {30, 15, 12, 10, 8, 8, 5, 7, 5};

    static final List<String> ERRORS = List.of(
            "FAILED tests/test_api.py::test_login - AssertionError: 401 != 200",
            "error[E0308]: mismatched types",
            "npm ERR! code ELIFECYCLE",
            "Traceback (most recent call last):\n  File \"agents/review.py\", line 88\nKeyError: 'diff'",
            "make: *** [Makefile:42: test] Error 1",
            "error: disk full while writing build/out.bin",
            "fatal: unable to access 'https://git.example.com/kage.git/': Could not resolve host",
            "panic: runtime error: index out of range [3] with length 3");

    static final List<String> PROMPTS = List.of(
            "Fix the failing test in the pager and explain the cause.",
            "Review the last commit for security problems.",
            "Write a migration that adds an index for the audit filter.",
            "Summarise today's failed runs.",
            "Split the long function in store.go into named steps.");

    private Mix() {}

    static Program program(Random r) {
        return PROGRAMS.get(weighted(r, PROGRAM_WEIGHTS));
    }

    /** 10% of runs and sessions name no project. */
    static String project(Random r) {
        return r.nextInt(10) == 0 ? null : PROJECTS.get(r.nextInt(PROJECTS.size()));
    }

    static int weighted(Random r, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int x = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    static <T> T pick(Random r, List<T> items) {
        return items.get(r.nextInt(items.size()));
    }

    /** Some lines of a program's output, as the bytes a process would print. */
    static byte[] output(Random r, List<String> lines, int repeat) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < repeat; i++) {
            for (String line : lines) {
                out.append(line).append('\n');
            }
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Milliseconds, log-uniform between {@code min} and {@code max}: most short, a few long. */
    static long duration(Random r, long min, long max) {
        return (long) (min * Math.pow((double) max / min, r.nextDouble()));
    }
}
