package io.kaged.bench;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Drives the write phase as a pipeline: keeps up to {@code inFlight} {@link BenchActor.Append}s
 * outstanding per writer, sends the next one on each reply, and reports the wall time from the first
 * command to the last reply. Counting replies in an actor keeps every callback on the actor system's
 * dispatcher and never blocks a thread.
 */
final class WriteDriver extends AbstractBehavior<BenchActor.Ack> {

    /** The outcome of one write round. */
    record Result(long events, long nanos) {
        double perSecond() {
            return events / (nanos / 1e9);
        }
    }

    private final List<ActorRef<BenchActor.Command>> writers;
    private final int eventsPerWriter;
    private final String data;
    private final ActorRef<Result> replyTo;
    private final int[] sent;
    private final long total;
    private final long start;
    private long acked;

    private WriteDriver(
            ActorContext<BenchActor.Ack> context,
            List<ActorRef<BenchActor.Command>> writers,
            int eventsPerWriter,
            int inFlight,
            String data,
            ActorRef<Result> replyTo) {
        super(context);
        this.writers = writers;
        this.eventsPerWriter = eventsPerWriter;
        this.data = data;
        this.replyTo = replyTo;
        this.sent = new int[writers.size()];
        this.total = (long) writers.size() * eventsPerWriter;
        this.start = System.nanoTime();
        for (int w = 0; w < writers.size(); w++) {
            for (int i = 0; i < Math.min(inFlight, eventsPerWriter); i++) {
                send(w);
            }
        }
    }

    static Behavior<BenchActor.Ack> create(
            List<ActorRef<BenchActor.Command>> writers,
            int eventsPerWriter,
            int inFlight,
            String data,
            ActorRef<Result> replyTo) {
        return Behaviors.setup(ctx -> new WriteDriver(ctx, writers, eventsPerWriter, inFlight, data, replyTo));
    }

    private void send(int writer) {
        sent[writer]++;
        writers.get(writer)
                .tell(new BenchActor.Append(writer, data, getContext().getSelf()));
    }

    @Override
    public Receive<BenchActor.Ack> createReceive() {
        return newReceiveBuilder().onMessage(BenchActor.Ack.class, this::onAck).build();
    }

    private Behavior<BenchActor.Ack> onAck(BenchActor.Ack ack) {
        acked++;
        if (acked == total) {
            replyTo.tell(new Result(total, System.nanoTime() - start));
            return Behaviors.stopped();
        }
        if (sent[ack.writer()] < eventsPerWriter) {
            send(ack.writer());
        }
        return this;
    }
}
