package io.kaged.actors.process;

/**
 * Wraps an attempt's output so that its exit is passed on only after its cgroup is closed: the actor that
 * records the exit then finds the limits the process tree ran into ({@link RunningProcess#limitsHit()}).
 */
final class CgroupWatch {

    private CgroupWatch() {}

    static OutputSink of(OutputSink sink, CgroupAttempt cgroup) {
        return new OutputSink() {
            @Override
            public void output(String stream, byte[] chunk) throws InterruptedException {
                sink.output(stream, chunk);
            }

            @Override
            public boolean offer(String stream, byte[] chunk, Runnable resume) {
                return sink.offer(stream, chunk, resume);
            }

            @Override
            public void exited(int exitCode) {
                cgroup.close();
                sink.exited(exitCode);
            }
        };
    }

    static ProcessOutput of(ProcessOutput sink, CgroupAttempt cgroup) {
        return new ProcessOutput() {
            @Override
            public boolean offer(byte[] chunk, Runnable resume) {
                return sink.offer(chunk, resume);
            }

            @Override
            public void exited(int exitCode) {
                cgroup.close();
                sink.exited(exitCode);
            }
        };
    }
}
