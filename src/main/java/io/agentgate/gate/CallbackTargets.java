package io.agentgate.gate;

import io.agentgate.common.InvalidRequest;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which callback URLs AgentGate will call: http(s) only, and (unless allowed) never a host that resolves to
 * loopback, link-local, private, unique-local, multicast or unspecified addresses, so an agent cannot make the gate
 * probe the network it sits in. Checked at submission and again before every delivery (DNS can change).
 */
public final class CallbackTargets {

    private CallbackTargets() {
    }

    /** A callback URL with the address it was checked at: the only address that is connected to. */
    public record Target(URI uri, InetAddress address) {
        public int port() {
            return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        }
    }

    /** How a host name becomes its addresses: the system's resolver, or a test's own. */
    @FunctionalInterface
    public interface HostLookup {
        HostLookup SYSTEM = InetAddress::getAllByName;

        InetAddress[] all(String host) throws UnknownHostException;
    }

    /** Why the URL is refused, or null when it may be called. */
    public static String refusal(String url, boolean allowPrivate) {
        Object checked = resolve(url, allowPrivate);
        return checked instanceof String why ? why : null;
    }

    /**
     * The URL's target (every address of the host checked, the first one kept for the connection, so DNS rebinding
     * between check and connect reaches nothing), or a String saying why it is refused.
     */
    public static Object resolve(String url, boolean allowPrivate) {
        return resolve(url, allowPrivate, HostLookup.SYSTEM);
    }

    /** {@link #resolve(String, boolean)} with the host names resolved by {@code lookup}. */
    public static Object resolve(String url, boolean allowPrivate, HostLookup lookup) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an http or https URL";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "has no host";
        }
        if (uri.getUserInfo() != null) {
            return "must not carry credentials";
        }
        InetAddress[] addresses;
        try {
            addresses = lookup.all(uri.getHost());
        } catch (UnknownHostException e) {
            return "host '" + uri.getHost() + "' does not resolve";
        }
        if (addresses == null || addresses.length == 0) {
            return "host '" + uri.getHost() + "' does not resolve";
        }
        if (!allowPrivate) {
            for (InetAddress a : addresses) {
                if (isInternal(a)) {
                    return "resolves to " + a.getHostAddress() + ", a loopback, link-local, private or reserved"
                            + " address (set agentgate.webhooks.allow-private=true to allow)";
                }
            }
        }
        return new Target(uri, addresses[0]);
    }

    public static void check(String url, boolean allowPrivate) {
        String refusal = refusal(url, allowPrivate);
        if (refusal != null) {
            throw new InvalidRequest("callbackUrl", refusal);
        }
    }

    /**
     * Loopback, link-local, private, carrier NAT, benchmarking, documentation, reserved, broadcast, multicast and
     * unspecified addresses, and IPv6 addresses that embed an IPv4 one (IPv4-compatible, NAT64, 6to4, Teredo) judged by
     * what they embed.
     */
    static boolean isInternal(InetAddress a) {
        byte[] b = a.getAddress();
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        return b.length == 4 ? internalV4(b) : internalV6(b);
    }

    private static boolean internalV4(byte[] b) {
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        int b2 = b[2] & 0xff;
        return b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224                  // this network, private, loopback, multicast, reserved, broadcast
                || b0 == 100 && (b1 & 0xc0) == 64                              // 100.64.0.0/10 carrier NAT
                || b0 == 169 && b1 == 254                                      // link-local
                || b0 == 172 && (b1 & 0xf0) == 16                              // 172.16.0.0/12
                || b0 == 192 && b1 == 168                                      // 192.168.0.0/16
                || b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)                // IETF protocol assignments, TEST-NET-1
                || b0 == 198 && (b1 & 0xfe) == 18                              // 198.18.0.0/15 benchmarking
                || b0 == 198 && b1 == 51 && b2 == 100                          // TEST-NET-2
                || b0 == 203 && b1 == 0 && b2 == 113;                          // TEST-NET-3
    }

    private static boolean internalV6(byte[] b) {
        int w0 = (b[0] & 0xff) << 8 | b[1] & 0xff;
        int w1 = (b[2] & 0xff) << 8 | b[3] & 0xff;
        boolean zeroPrefix = true;
        for (int i = 0; i < 12; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix) {
            return true; // ::a.b.c.d (IPv4-compatible, deprecated) and the like: never a public callback target
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return internalV4(new byte[] { b[12], b[13], b[14], b[15] });
        }
        if (w0 == 0x0064 && w1 == 0xff9b) {
            // NAT64 64:ff9b::/96 carries the IPv4 address in its last 32 bits; 64:ff9b:1::/48 is local use
            boolean wellKnown = true;
            for (int i = 4; i < 12; i++) {
                wellKnown &= b[i] == 0;
            }
            return !wellKnown || internalV4(new byte[] { b[12], b[13], b[14], b[15] });
        }
        if (w0 == 0x2002) {
            return internalV4(new byte[] { b[2], b[3], b[4], b[5] }); // 6to4 embeds the IPv4 address
        }
        return (b[0] & 0xfe) == 0xfc                                           // fc00::/7 unique local
                || w0 == 0x2001 && w1 == 0x0000                                // Teredo
                || w0 == 0x2001 && w1 == 0x0db8                                // documentation
                || w0 == 0x0100 && w1 == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0 // discard-only
                || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0;             // fec0::/10 site-local (deprecated)
    }
}
