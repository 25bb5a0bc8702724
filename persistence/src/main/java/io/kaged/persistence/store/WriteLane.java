package io.kaged.persistence.store;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One write lane: a single thread that runs the store's write transactions in order, and first, before
 * each, whatever must happen between two transactions ({@link WalCheckpointer#holdWhileLogTooLong} on
 * SQLite), so that nothing of it ever runs inside one.
 */
final class WriteLane extends ThreadPoolExecutor {

    private final Runnable betweenTasks;

    WriteLane(ThreadFactory threads, Runnable betweenTasks) {
        super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
        this.betweenTasks = betweenTasks;
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        betweenTasks.run();
    }
}
