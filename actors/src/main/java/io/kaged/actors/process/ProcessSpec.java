package io.kaged.actors.process;

import java.util.List;
import java.util.Map;

/** What to start: argv, working folder, extra environment and terminal size. */
public record ProcessSpec(List<String> command, String cwd, Map<String, String> env, int cols, int rows) {}
