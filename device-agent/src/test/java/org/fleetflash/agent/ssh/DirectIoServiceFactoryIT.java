package org.fleetflash.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH client's transport: its sessions' socket events are handled on the threads of its own channel group, with no
 * thread in between, and stopping the client ends those threads.
 */
class DirectIoServiceFactoryIT {

    private static final String LOOPBACK = "127.0.61.2";

    @TempDir
    Path dir;

    @Test
    void aSessionIsServedOnTheGroupsOwnThreadsWhichEndWhenTheClientStops() throws Exception {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost(LOOPBACK);
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host-key")));
        server.setPasswordAuthenticator((user, password, session) -> "root".equals(user) && "pw".equals(password));
        SshIoThreads.start(server::start);
        SshClient client = SshClient.setUpDefaultClient();
        client.setIoServiceFactoryFactory(DirectIoServiceFactory.factory());
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        List<String> handledOn = new CopyOnWriteArrayList<>();
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                handledOn.add(Thread.currentThread().getName()); // key exchange and authentication run on I/O threads
            }
        });
        SshIoThreads.startUnchecked(client::start);
        String ioThreads = client + "-io-";
        try {
            try (ClientSession session = client.connect("root", LOOPBACK, server.getPort()).verify(Duration.ofSeconds(10))
                    .getSession()) {
                session.addPasswordIdentity("pw");
                session.auth().verify(Duration.ofSeconds(10));
                assertThat(session.isAuthenticated()).isTrue();
            }
            assertThat(handledOn).as("the session's events").isNotEmpty().allMatch(name -> name.startsWith(ioThreads));
            assertThat(liveThreads()).anyMatch(name -> name.startsWith(ioThreads));
        } finally {
            client.stop();
            server.stop(true);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> liveThreads().stream().noneMatch(name -> name.startsWith(ioThreads)
                || name.startsWith(client + "-resume-")));
    }

    private static Set<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }
}
