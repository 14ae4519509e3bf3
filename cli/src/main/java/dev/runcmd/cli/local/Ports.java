package dev.runcmd.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Finds free TCP ports on the loopback interface. */
public final class Ports {

    /*
     * Below Linux's ephemeral range (32768-60999 by default): a port handed out from inside it
     * can be taken by any outgoing connection (say, to the database) before the server binds it.
     */
    private static final int LOW = 20000;
    private static final int HIGH = 32000;

    /*
     * Every port handed out by this JVM: callers often take several before binding any (API, gateway, its
     * health port, the database), so a port that is still free must not be handed out twice.
     */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /**
     * Returns a port that was free a moment ago, chosen at random outside the ephemeral range, and
     * never returned before by this JVM. Another process may still take it before the caller binds it;
     * callers that start servers on it report the bind failure.
     */
    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (!GIVEN.contains(port) && bindable(port) && GIVEN.add(port)) {
                return port;
            }
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on loopback", e);
            }
        }
        throw new IllegalStateException("no free port on loopback that was not handed out before");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
