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

    /** Why the URL is refused, or null when it may be called. */
    public static String refusal(String url, boolean allowPrivate) {
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
        if (allowPrivate) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return "host '" + uri.getHost() + "' does not resolve";
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                return "resolves to " + a.getHostAddress() + ", a loopback, link-local or private address"
                        + " (set agentgate.webhooks.allow-private=true to allow)";
            }
        }
        return null;
    }

    public static void check(String url, boolean allowPrivate) {
        String refusal = refusal(url, allowPrivate);
        if (refusal != null) {
            throw new InvalidRequest("callbackUrl", refusal);
        }
    }

    static boolean isInternal(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
        boolean carrierNat = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress() || uniqueLocalV6 || carrierNat;
    }
}
