package dev.runcmd.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds free TCP ports on the loopback interface. */
public final class Ports {

    /*
     * Below Linux's ephemeral range (32768-60999 by default): a port handed out from inside it
     * can be taken by any outgoing connection (say, to the database) before the server binds it.
     */
    private static final int LOW = 20000;
    private static final int HIGH = 32000;

    private Ports() {
    }

    /**
     * Returns a port that was free a moment ago, chosen at random outside the ephemeral range.
     * Another process may still take it before the caller binds it; callers that start servers
     * on it report the bind failure.
     */
    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (bindable(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
