package org.fleetflash.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The telemetry receiver fed by real {@code nc -u} and {@code logger}, and by a DatagramSocket for faults. */
class TelemetryReceiverIT {
    private static final String HOST = "127.0.5.1";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TelemetryReceiver receiver;
    private DatagramSocket sender;
    private final List<TelemetryEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = TelemetryReceiver.start(InetAddress.getByName(HOST), 0);
        sender = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    @AfterEach
    void stop() {
        sender.close();
        receiver.close();
    }

    private void send(String datagram) throws IOException {
        byte[] bytes = datagram.getBytes(StandardCharsets.UTF_8);
        sender.send(new DatagramPacket(bytes, bytes.length, receiver.address()));
    }

    private static String message(TelemetryToken token, int seq, String kindAndFields) {
        return "FFT1 " + token.value() + " " + seq + " " + kindAndFields + "\n";
    }

    private static int run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("Timed out: " + command);
        }
        return process.exitValue();
    }

    @Test
    void eventsSentWithOpenBsdNcAreDelivered() throws Exception {
        TelemetryToken token = receiver.register("wdr-1", events::add);
        // exactly what the flasher runs on the router: one nc per message
        String script = "printf '%s\\n' \"$1\" | nc -u -w 1 \"$3\" \"$4\" && printf '%s\\n' \"$2\" | nc -u -w 1 \"$3\" \"$4\"";

        int exit = run(List.of("sh", "-c", script, "sh",
                message(token, 1, "BEGIN blocks=122").strip(),
                message(token, 2, "PROGRESS block=1 blocks=122 action=written").strip(),
                HOST, Integer.toString(receiver.port())));

        assertThat(exit).isZero();
        await().atMost(WAIT).until(() -> events.size() == 2);
        assertThat(events).extracting(TelemetryEvent::seq).containsExactly(1L, 2L);
        assertThat(events).extracting(TelemetryEvent::kind).containsExactly(TelemetryKind.BEGIN, TelemetryKind.PROGRESS);
        assertThat(events).allSatisfy(e -> assertThat(e.routerId()).isEqualTo("wdr-1"));
        TelemetryStatus status = receiver.status(token);
        assertThat(status.lastSeq()).isEqualTo(2);
        assertThat(status.highestBlock()).isEqualTo(1);
        assertThat(status.blocks()).isEqualTo(122);
        assertThat(status.missing()).isZero();
    }

    @Test
    void syslogLinesFromLoggerAreAccepted() throws Exception {
        TelemetryToken token = receiver.register("wdr-2", events::add);
        String port = Integer.toString(receiver.port());

        // util-linux logger: an RFC 3164 line with timestamp and host name, then RFC 5424
        int rfc3164 = run(List.of("logger", "--rfc3164", "-d", "-n", HOST, "-P", port, "-t", "ffflash",
                message(token, 1, "HELLO").strip()));
        int rfc5424 = run(List.of("logger", "-d", "-n", HOST, "-P", port, "-t", "ffflash",
                message(token, 2, "VERIFY_OK").strip()));
        // FreeBSD logger -h HOST -P PORT -t ffflash: "<PRI>TAG: message", no timestamp or host name
        send("<13>ffflash: " + message(token, 3, "DONE").strip());

        assertThat(rfc3164).isZero();
        assertThat(rfc5424).isZero();
        await().atMost(WAIT).until(() -> events.size() == 3);
        assertThat(events).extracting(TelemetryEvent::kind)
                .containsExactlyInAnyOrder(TelemetryKind.HELLO, TelemetryKind.VERIFY_OK, TelemetryKind.DONE);
        assertThat(receiver.counters().malformed()).isZero();
    }

    @Test
    void datagramsWithAnUnknownTokenAreDroppedAndCounted() throws Exception {
        TelemetryToken token = receiver.register("wdr-3", events::add);
        TelemetryToken stranger = new TelemetryToken("x", "f".repeat(32));

        send(message(stranger, 1, "HELLO"));
        send(message(token, 1, "HELLO"));

        await().atMost(WAIT).until(() -> receiver.counters().unknownToken() == 1 && events.size() == 1);
        assertThat(events).singleElement().extracting(TelemetryEvent::routerId).isEqualTo("wdr-3");
    }

    @Test
    void duplicatesAreDeliveredOnce() throws Exception {
        TelemetryToken token = receiver.register("wdr-4", events::add);

        for (int i = 0; i < 3; i++) {
            send(message(token, 1, "BEGIN blocks=4"));
        }
        send(message(token, 2, "PROGRESS block=1 blocks=4 action=same"));
        send(message(token, 2, "PROGRESS block=1 blocks=4 action=same"));

        await().atMost(WAIT).until(() -> receiver.status(token).duplicates() == 3);
        await().atMost(WAIT).until(() -> events.size() == 2);
        assertThat(events).extracting(TelemetryEvent::seq).containsExactly(1L, 2L);
        assertThat(receiver.status(token).received()).isEqualTo(2);
    }

    @Test
    void reorderedMessagesAreDeliveredLateWithoutGoingBack() throws Exception {
        TelemetryToken token = receiver.register("wdr-5", events::add);

        send(message(token, 1, "BEGIN blocks=4"));
        send(message(token, 3, "PROGRESS block=2 blocks=4 action=written"));
        send(message(token, 2, "PROGRESS block=1 blocks=4 action=written"));

        await().atMost(WAIT).until(() -> events.size() == 3);
        assertThat(events).extracting(TelemetryEvent::seq).containsExactly(1L, 3L, 2L);
        assertThat(events).extracting(TelemetryEvent::late).containsExactly(false, false, true);
        TelemetryStatus status = receiver.status(token);
        assertThat(status.highestBlock()).isEqualTo(2);
        assertThat(status.lastSeq()).isEqualTo(3);
        assertThat(status.lastKind()).isEqualTo(TelemetryKind.PROGRESS);
        assertThat(status.missing()).isZero();
    }

    @Test
    void lostMessagesAreCountedAsMissingUntilTheyArrive() throws Exception {
        TelemetryToken token = receiver.register("wdr-6", events::add);

        send(message(token, 1, "BEGIN blocks=8"));
        send(message(token, 4, "PROGRESS block=3 blocks=8 action=written"));
        send(message(token, 7, "PROGRESS block=6 blocks=8 action=same"));

        await().atMost(WAIT).until(() -> receiver.status(token).received() == 3);
        assertThat(receiver.status(token).missing()).isEqualTo(4);
        assertThat(receiver.status(token).highestBlock()).isEqualTo(6);

        send(message(token, 5, "PROGRESS block=4 blocks=8 action=written"));

        await().atMost(WAIT).until(() -> receiver.status(token).missing() == 3);
    }

    @Test
    void malformedAndOversizeDatagramsAreDroppedAndCounted() throws Exception {
        TelemetryToken token = receiver.register("wdr-7", events::add);

        send("FLASH kernel 3 122\n");
        send(message(token, 1, "PROGRESS block=1"));
        send(message(token, 2, "HELLO text=" + "x".repeat(2000)));
        send(message(token, 3, "DONE"));

        await().atMost(WAIT).until(() -> events.size() == 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(receiver.counters())
                .isEqualTo(new TelemetryCounters(1, 0, 2, 1)));
        assertThat(events).singleElement().extracting(TelemetryEvent::kind).isEqualTo(TelemetryKind.DONE);
    }

    @Test
    void aSlowListenerNeverBlocksTheReceiver() throws Exception {
        receiver.close();
        receiver = TelemetryReceiver.start(InetAddress.getByName(HOST), 0, 2);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> delivered = new CopyOnWriteArrayList<>();
        TelemetryToken slow = receiver.register("slow", event -> {
            try {
                release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivered.add(event.seq());
        });
        TelemetryToken other = receiver.register("other", events::add);

        for (int seq = 1; seq <= 10; seq++) {
            send(message(slow, seq, "PROGRESS block=" + seq + " blocks=10 action=written"));
        }
        send(message(other, 1, "HELLO"));

        await().atMost(WAIT).until(() -> events.size() == 1);
        await().atMost(WAIT).until(() -> receiver.status(slow).received() == 10);
        TelemetryStatus status = receiver.status(slow);
        assertThat(status.highestBlock()).isEqualTo(10);
        assertThat(status.listenerDropped()).isBetween(7L, 8L);
        release.countDown();
        await().atMost(WAIT).until(() -> delivered.size() == 10 - status.listenerDropped());
        assertThat(delivered).isSorted();
    }

    @Test
    void listenersRunOnADeliveryThread() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        TelemetryToken token = receiver.register("wdr-8", event -> threads.add(Thread.currentThread().getName()));

        send(message(token, 1, "HELLO"));

        await().atMost(WAIT).until(() -> threads.size() == 1);
        assertThat(threads.get(0)).startsWith("ff-telemetry-" + receiver.port() + "-deliver");
    }

    @Test
    void anUnregisteredRouterIsUnknownAgain() throws Exception {
        TelemetryToken token = receiver.register("wdr-9", events::add);
        receiver.unregister(token);

        send(message(token, 1, "HELLO"));

        await().atMost(WAIT).until(() -> receiver.counters().unknownToken() == 1);
        assertThat(events).isEmpty();
        assertThatThrownBy(() -> receiver.status(token)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensAreRandomAndDistinct() {
        TelemetryToken a = receiver.register("a");
        TelemetryToken b = receiver.register("a");

        assertThat(a.value()).matches("[0-9a-f]{32}").isNotEqualTo(b.value());
    }

    @Test
    void aTakenPortIsReportedWithWhatToDo() throws Exception {
        assertThatThrownBy(() -> TelemetryReceiver.start(InetAddress.getByName(HOST), receiver.port()).close())
                .isInstanceOf(TelemetryException.class).hasMessageContaining("Choose another port");
    }
}
