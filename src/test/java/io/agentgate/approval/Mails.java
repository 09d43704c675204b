package io.agentgate.approval;

import static org.awaitility.Awaitility.await;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads approver mail received by {@link GreenMailServer}. */
final class Mails {

    private static final Pattern LINK = Pattern.compile("^(Approve|Reject):\\s+(\\S+)$", Pattern.MULTILINE);

    private Mails() {
    }

    /** One approver mail: both parts and both links. */
    record Received(MimeMessage message, String subject, String text, String html, Link approve, Link reject) {
    }

    /** A link of the mail, split into what the pages take. */
    record Link(String url, String path, String approver, String token) {

        static Link parse(String url) {
            URI uri = URI.create(url);
            Map<String, String> query = new LinkedHashMap<>();
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return new Link(url, uri.getRawPath(), query.get("approver"), query.get("token"));
        }

        Link withToken(String other) {
            return new Link(url, path, approver, other);
        }

        Link withApprover(String other) {
            return new Link(url, path, other, token);
        }

        Link withPath(String other) {
            return new Link(url, other, approver, token);
        }
    }

    /** Waits (bounded) for exactly one mail to the recipient and reads it. */
    static Received awaitOne(String recipient) throws Exception {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> !GreenMailServer.to(recipient).isEmpty());
        List<MimeMessage> all = GreenMailServer.to(recipient);
        if (all.size() != 1) {
            throw new AssertionError("expected one mail to " + recipient + ", got " + all.size());
        }
        return read(all.get(0));
    }

    static Received read(MimeMessage m) throws Exception {
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder();
        collect(m, text, html);
        Matcher links = LINK.matcher(text);
        Link approve = null;
        Link reject = null;
        while (links.find()) {
            if (links.group(1).equals("Approve")) {
                approve = Link.parse(links.group(2));
            } else {
                reject = Link.parse(links.group(2));
            }
        }
        return new Received(m, m.getSubject(), text.toString(), html.toString(), approve, reject);
    }

    private static void collect(Part part, StringBuilder text, StringBuilder html) throws Exception {
        if (part.isMimeType("text/plain")) {
            text.append(part.getContent());
        } else if (part.isMimeType("text/html")) {
            html.append(part.getContent());
        } else if (part.isMimeType("multipart/*")) {
            Multipart multi = (Multipart) part.getContent();
            for (int i = 0; i < multi.getCount(); i++) {
                BodyPart body = multi.getBodyPart(i);
                collect(body, text, html);
            }
        }
    }
}
