package dev.runcmd.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on the loopback interface between agents and one gateway, which the suite uses to
 * break the network: {@link #drop()} resets every open connection (as a crashed router would), and
 * {@link #stall(long)} keeps them open but moves no byte in either direction for a while (as a
 * partition would). New connections are accepted throughout; during a stall they stall too.
 *
 * <p>Two threads per connection copy bytes through a 64 KiB buffer each; nothing else is held.
 */
final class TcpProxy implements AutoCloseable {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong stalledUntilNanos = new AtomicLong();
    private final Thread acceptor;

    /** Listens on {@code listenPort} and forwards every connection to {@code targetPort} on loopback. */
    TcpProxy(int listenPort, int targetPort) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.acceptor = daemon("proxy-" + listenPort, this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Resets every open connection (RST, not FIN: the peers see a broken connection). */
    void drop() {
        for (Socket socket : open) {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(socket);
        }
    }

    /** Moves no byte on any connection for {@code millis}; returns at once. */
    void stall(long millis) {
        stalledUntilNanos.set(System.nanoTime() + millis * 1_000_000L);
    }

    @Override
    public void close() {
        closeQuietly(server);
        drop();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connect(client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 2000);
        } catch (IOException e) {
            closeQuietly(client); // the gateway is down: the agent sees the connection refused-ish
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
    }

    private void pump(Socket from, Socket to) {
        daemon("proxy-pump", () -> {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitNoStall();
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // either side closed or reset: close both below
            } finally {
                open.remove(from);
                open.remove(to);
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private void awaitNoStall() throws InterruptedException {
        long remaining;
        while ((remaining = stalledUntilNanos.get() - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(100, remaining / 1_000_000L)));
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }
}
