package io.agentgate.gate;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to the address {@link CallbackTargets} checked, not to whatever the host resolves to by the time
 * of the connection (DNS rebinding). TLS still verifies the certificate against the URL's host name (SNI and HTTPS
 * endpoint identification). Redirects are not followed; only the status code is read.
 */
final class PinnedPost {

    private PinnedPost() {
    }

    static int post(CallbackTargets.Target target, Map<String, String> headers, String body, Duration timeout)
            throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        String host = target.uri().getHost();
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.address(), target.port()), millis);
            socket.setSoTimeout(millis);
            if ("https".equalsIgnoreCase(target.uri().getScheme())) {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, host, target.port(), true);
                SSLParameters params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.contains(":") && !Character.isDigit(host.charAt(host.length() - 1))) {
                    params.setServerNames(List.of(new SNIHostName(host)));
                }
                tls.setSSLParameters(params);
                tls.startHandshake();
                socket = tls;
            }
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty() ? "/"
                    : target.uri().getRawPath();
            if (target.uri().getRawQuery() != null) {
                path += "?" + target.uri().getRawQuery();
            }
            StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(target.uri().getRawAuthority()).append("\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("Content-Length: ").append(payload.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return status(new BufferedInputStream(socket.getInputStream()));
        } finally {
            socket.close();
        }
    }

    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = in.read()) != -1 && ch != '\n' && line.length() < 200) {
            line.append((char) ch);
        }
        String[] parts = line.toString().trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + parts[1]);
        }
    }
}
