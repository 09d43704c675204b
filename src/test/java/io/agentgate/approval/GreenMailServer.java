package io.agentgate.approval;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) in the test JVM, on a free port handed to {@code quarkus.mailer.port}. Global: every
 * test's mail goes to it, so tests tell their mail apart by unique recipients. Tests may stop and restart it to play
 * an SMTP outage.
 */
public class GreenMailServer implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail server;
    private static volatile int port;

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        up();
        return Map.of("quarkus.mailer.port", Integer.toString(port), "quarkus.mailer.host", "127.0.0.1");
    }

    @Override
    public void stop() {
        down();
    }

    /** Starts the SMTP server (again) on its port. */
    public static synchronized void up() {
        if (server == null) {
            GreenMail g = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            g.start();
            server = g;
        }
    }

    /** Stops it: connections are refused until {@link #up()}. */
    public static synchronized void down() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Every message received so far (since the last start) addressed to this recipient. */
    public static List<MimeMessage> to(String recipient) {
        GreenMail g = server;
        if (g == null) {
            return List.of();
        }
        return Arrays.stream(g.getReceivedMessages()).filter(m -> addressedTo(m, recipient)).toList();
    }

    private static boolean addressedTo(MimeMessage m, String recipient) {
        try {
            Address[] all = m.getAllRecipients();
            return all != null && Arrays.stream(all).anyMatch(a -> a.toString().equalsIgnoreCase(recipient));
        } catch (MessagingException e) {
            return false;
        }
    }
}
