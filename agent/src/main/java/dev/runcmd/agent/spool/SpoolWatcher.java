package dev.runcmd.agent.spool;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Tells the agent when a running script wrote output: one {@link WatchService} (inotify on Linux)
 * watches the state dir of every running execution, and one thread runs the callback of the dir
 * that changed. The kernel reports each write, so waiting adds only two thread hand-offs (well under
 * a millisecond) while the script writes, and nothing at all while it is quiet.
 *
 * <p>A backstop sweep runs every callback every {@link #BACKSTOP} (every {@link #POLL_ONLY} when no
 * WatchService is available), in case an event is lost (e.g. an inotify queue overflow). The sweep
 * costs a couple of file-size reads per running execution; with none running it does nothing.
 *
 * <p>Threading: {@link #watch} and {@link #unwatch} from any thread; callbacks run on the watcher
 * thread or the scheduler and must return promptly.
 */
public final class SpoolWatcher implements AutoCloseable {
    /** How often every callback runs anyway while inotify works. */
    static final Duration BACKSTOP = Duration.ofMillis(250);
    /** How often every callback runs when there is no WatchService. */
    static final Duration POLL_ONLY = Duration.ofMillis(20);

    private static final Logger LOG = Logger.getLogger(SpoolWatcher.class.getName());

    private final WatchService service; // null when unavailable
    private final Map<WatchKey, Runnable> byKey = new ConcurrentHashMap<>();
    private final Map<Path, Watch> byDir = new ConcurrentHashMap<>();
    private final Thread thread;
    private final ScheduledFuture<?> sweep;

    private record Watch(WatchKey key, Runnable onChange) {}

    /** Starts the watcher thread (made by {@code threads}) and the backstop sweep on {@code scheduler}. */
    public SpoolWatcher(ScheduledExecutorService scheduler, ThreadFactory threads) {
        this.service = openService();
        this.thread = threads.newThread(this::dispatch);
        Duration period = service != null ? BACKSTOP : POLL_ONLY;
        this.sweep = scheduler.scheduleWithFixedDelay(this::sweep, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
        if (service != null) {
            thread.start();
        }
    }

    /** Runs {@code onChange} whenever something in {@code dir} changes, until {@link #unwatch}. */
    public void watch(Path dir, Runnable onChange) {
        WatchKey key = null;
        if (service != null) {
            try {
                key = dir.register(service, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
                byKey.put(key, onChange);
            } catch (IOException e) {
                LOG.warning(() -> "Cannot watch " + dir + " (" + e.getMessage() + "); its output is polled");
            }
        }
        byDir.put(dir, new Watch(key, onChange));
    }

    /** Stops watching {@code dir}. */
    public void unwatch(Path dir) {
        Watch watch = byDir.remove(dir);
        if (watch != null && watch.key() != null) {
            byKey.remove(watch.key());
            watch.key().cancel();
        }
    }

    @Override
    public void close() {
        sweep.cancel(false);
        thread.interrupt();
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                LOG.fine(() -> "Closing the watch service failed: " + e.getMessage());
            }
        }
    }

    private void dispatch() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = service.take();
                key.pollEvents();
                Runnable onChange = byKey.get(key);
                if (onChange != null) {
                    onChange.run();
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sweep() {
        List<Watch> watches = List.copyOf(byDir.values());
        watches.forEach(w -> w.onChange().run());
    }

    private static WatchService openService() {
        try {
            return FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning(() -> "No file watch service (" + e.getMessage() + "); output is polled every "
                    + POLL_ONLY.toMillis() + " ms");
            return null;
        }
    }
}
