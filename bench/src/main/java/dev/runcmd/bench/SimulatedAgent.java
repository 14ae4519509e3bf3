package dev.runcmd.bench;

import com.google.protobuf.ByteString;
import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Heartbeat;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.agent.v1.Started;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated agent on its own {@code AgentService.Connect} stream, speaking protocol version 1 as the real agent
 * does, with an executor that runs nothing: Hello first; after Welcome a Heartbeat every interval the gateway gave;
 * each Run is answered with Accepted, Started, one stdout Output and Exited(SUCCEEDED, 0). Acks need no work, as
 * nothing is spooled. A stream that ends is counted in {@link Fleet#ended()} and opened again after a randomized
 * back-off, as the real agent reconnects (a big connect storm loses a few handshakes); Welcome counts once per agent.
 *
 * <p>Flow control, as the real agent's: inbound is requested one message at a time, and the next only once the
 * answers to the previous one are written; outbound is written only while the stream is ready, the rest resumes in
 * the on-ready handler. So at most one Run's answers (and one Heartbeat) wait here.
 *
 * <p>Threading: gRPC callbacks and the heartbeat timer meet under this object's monitor, which serializes writes.
 */
final class SimulatedAgent implements ClientResponseObserver<AgentMessage, GatewayMessage> {

    /** What the simulated script writes to stdout. */
    private static final ByteString OUTPUT = ByteString.copyFrom("simulated\n", StandardCharsets.UTF_8);
    private static final AtomicLong PIDS = new AtomicLong(100_000);

    private final EnrolledMachine machine;
    private final ManagedChannel channel;
    private final Fleet fleet;
    private final ArrayDeque<AgentMessage> pending = new ArrayDeque<>(); // guarded by this
    private ClientCallStreamObserver<AgentMessage> stream; // guarded by this
    private boolean requestOwed; // guarded by this; the next inbound message waits for pending to drain
    private boolean ended; // guarded by this
    private boolean closed; // guarded by this
    private boolean welcomedOnce; // guarded by this
    private int reconnects; // guarded by this
    private ScheduledFuture<?> heartbeats; // guarded by this

    SimulatedAgent(EnrolledMachine machine, ManagedChannel channel, Fleet fleet) {
        this.machine = machine;
        this.channel = channel;
        this.fleet = fleet;
    }

    /** Opens the stream and sends Hello; Welcome is counted in the fleet when it comes. */
    void connect() {
        AgentServiceGrpc.newStub(channel).connect(this);
        Hello hello = Hello.newBuilder().setMachine(machine.scope()).setOsName("Linux").setOsVersion("sim")
                .setAgentVersion("fleet-sim").addAllCapabilities(List.of("shell", "cancel", "timeout"))
                .setProtocolVersion(1).setHostName(machine.scope().getMachineName()).build();
        send(List.of(AgentMessage.newBuilder().setHello(hello).build()));
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
        stream = requestStream;
        requestStream.disableAutoRequestWithInitial(1);
        requestStream.setOnReadyHandler(this::drain);
    }

    @Override
    public void onNext(GatewayMessage message) {
        switch (message.getKindCase()) {
            case WELCOME -> onWelcome(message.getWelcome().getHeartbeatIntervalSeconds());
            case RUN -> onRun(message.getRun());
            default -> requestNext();
        }
    }

    private void onWelcome(int heartbeatSeconds) {
        long period = heartbeatSeconds > 0 ? heartbeatSeconds : 30;
        boolean first;
        synchronized (this) {
            heartbeats = fleet.timers().scheduleAtFixedRate(this::beat, period, period, TimeUnit.SECONDS);
            first = !welcomedOnce;
            welcomedOnce = true;
        }
        if (first) {
            fleet.welcomed();
        }
        requestNext();
    }

    private void onRun(Run run) {
        String id = run.getExecutionId();
        long now = System.currentTimeMillis();
        List<AgentMessage> answers = List.of(
                AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id)).build(),
                AgentMessage.newBuilder().setStarted(Started.newBuilder().setExecutionId(id)
                        .setStartTimeMillis(now).setPid(PIDS.incrementAndGet())).build(),
                AgentMessage.newBuilder().setOutput(Output.newBuilder().setExecutionId(id)
                        .setStream(OutputStream.STDOUT).setOffset(0).setData(OUTPUT)).build(),
                AgentMessage.newBuilder().setExited(Exited.newBuilder().setExecutionId(id)
                        .setState(ExitState.SUCCEEDED).setExitCode(0).setEndTimeMillis(System.currentTimeMillis())
                        .setStdoutBytes(OUTPUT.size())).build());
        synchronized (this) {
            requestOwed = true;
        }
        send(answers);
    }

    private synchronized void beat() {
        // A heartbeat behind queued answers would prove nothing more than they do.
        if (pending.isEmpty()) {
            send(List.of(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                    .setTimeMillis(System.currentTimeMillis())).build()));
        }
    }

    private synchronized void send(List<AgentMessage> messages) {
        pending.addAll(messages);
        drain();
    }

    private synchronized void drain() {
        if (ended) {
            return;
        }
        while (!pending.isEmpty() && stream.isReady()) {
            stream.onNext(pending.poll());
        }
        if (pending.isEmpty() && requestOwed) {
            requestOwed = false;
            stream.request(1);
        }
    }

    private synchronized void requestNext() {
        if (!ended) {
            stream.request(1);
        }
    }

    @Override
    public void onError(Throwable failure) {
        end(Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        end(Status.OK.withDescription("the gateway ended the stream"));
    }

    private void end(Status status) {
        long backoff;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            pending.clear();
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
            backoff = closed ? -1 : Math.min(10_000, 500L << Math.min(reconnects++, 5))
                    + java.util.concurrent.ThreadLocalRandom.current().nextLong(1000);
        }
        fleet.ended(machine.scope().getMachineName(), status);
        if (backoff >= 0) {
            fleet.timers().schedule(this::reconnect, backoff, TimeUnit.MILLISECONDS);
        }
    }

    private void reconnect() {
        synchronized (this) {
            if (closed) {
                return;
            }
            ended = false;
            requestOwed = false;
            pending.clear();
        }
        connect();
    }

    /** Half-closes the stream (the gateway then ends it) and shuts the channel down. */
    void close() {
        synchronized (this) {
            closed = true;
            if (!ended) {
                ended = true;
                if (heartbeats != null) {
                    heartbeats.cancel(false);
                }
                stream.onCompleted();
            }
        }
        channel.shutdown();
    }

    /** The agent's channel, to await its termination after {@link #close()}. */
    ManagedChannel channel() {
        return channel;
    }
}
