package io.agentgate.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "224.0.0.1"})
    void internalAddressesAreRecognised(String address) throws Exception {
        assertTrue(CallbackTargets.isInternal(InetAddress.getByName(address)), address);
    }

    /** Issue 11, item 8: ranges that reached internal hosts, and IPv6 forms that embed an internal IPv4 address. */
    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:7f00:1::", "2002:c0a8:101::1",
            "::127.0.0.1", "::ffff:127.0.0.1", "198.18.0.1", "198.19.255.254", "255.255.255.255", "240.0.0.1",
            "192.0.2.1", "203.0.113.9", "2001:db8::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "::", "fec0::1"})
    void embeddedAndReservedAddressesAreInternal(String address) throws Exception {
        assertTrue(CallbackTargets.isInternal(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "http://[::127.0.0.1]/",
            "http://198.18.0.1/", "http://255.255.255.255/"})
    void theReviewersUrlsAreRefused(String url) {
        assertNotNull(CallbackTargets.refusal(url, false), url);
    }

    @Test
    void theDeliveryConnectsToTheAddressThatWasChecked() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<String> host = new AtomicReference<>();
        server.createContext("/hook", exchange -> {
            host.set(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            // a name that resolves nowhere: only the pinned, checked address can be reached
            var target = new CallbackTargets.Target(URI.create("http://rebind.invalid:" + port + "/hook"),
                    InetAddress.getLoopbackAddress());
            int status = PinnedPost.post(target, Map.of("Content-Type", "application/json"), "{}", Duration.ofSeconds(5));
            assertEquals(204, status);
            assertEquals("rebind.invalid:" + port, host.get());
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2606:4700::1111", "100.128.0.1"})
    void publicAddressesAreNot(String address) throws Exception {
        assertFalse(CallbackTargets.isInternal(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/x", "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data", "ftp://example.com/x", "http://user:pw@93.184.216.34/x",
            "not a url"})
    void refusedTargets(String url) {
        assertNotNull(CallbackTargets.refusal(url, false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://93.184.216.34/hook", "https://[2606:4700::1111]/x"})
    void literalPublicTargetsAreAccepted(String url) {
        assertNull(CallbackTargets.refusal(url, false), url);
    }
}
