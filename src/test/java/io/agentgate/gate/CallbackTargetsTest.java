package io.agentgate.gate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackTargetsTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "224.0.0.1"})
    void internalAddressesAreRecognised(String address) throws Exception {
        assertTrue(CallbackTargets.isInternal(InetAddress.getByName(address)), address);
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
