package io.kaged.actors.process;

import io.kaged.actors.process.ProcessReport.Exited;
import io.kaged.actors.process.ProcessReport.OutputWaiting;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where one attempt's readers put its output: into the attempt's {@link OutputBuffer}, telling the actor
 * when a batch waits, and its exit, which the actor then takes with the attempt's number.
 */
record AttemptSink(int attempt, OutputBuffer buffer, ActorRef<ProcessMessage> actor) implements OutputSink {

    @Override
    public void output(String stream, byte[] chunk) throws InterruptedException {
        if (buffer.append(stream, chunk)) {
            actor.tell(new OutputWaiting(attempt));
        }
    }

    @Override
    public boolean offer(String stream, byte[] chunk, Runnable resume) {
        OutputBuffer.Offered offered = buffer.offer(stream, chunk, resume);
        if (offered.signal()) {
            actor.tell(new OutputWaiting(attempt));
        }
        return !offered.full();
    }

    @Override
    public void exited(int exitCode) {
        actor.tell(new Exited(attempt, exitCode));
    }
}
