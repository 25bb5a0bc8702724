package io.kaged.persistence.testing;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Run in a child JVM by the crash test: actors write groups of events as fast as they can until the test
 * kills the process with SIGKILL.
 */
public final class CrashingWriterMain {
    private CrashingWriterMain() {}

    public static void main(String[] args) {
        String url = args[0];
        int writers = Integer.parseInt(args[1]);
        int groupSize = Integer.parseInt(args[2]);
        ActorSystem.create(
                Behaviors.setup(ctx -> {
                    for (int i = 0; i < writers; i++) {
                        ctx.spawn(GroupWriter.createLooping("crash-" + i), "writer-" + i)
                                .tell(new GroupWriter.WriteForever(groupSize));
                    }
                    System.out.println("WRITING");
                    return Behaviors.empty();
                }),
                "crashing-writer",
                ConfigFactory.empty()
                        .withValue("kaged.storage.url", ConfigValueFactory.fromAnyRef(url))
                        .withFallback(ConfigFactory.load()));
    }
}
