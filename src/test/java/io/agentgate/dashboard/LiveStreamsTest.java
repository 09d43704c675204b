package io.agentgate.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentgate.Api;
import io.agentgate.common.HoldLimits;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, findings 1 (streams), 13 and 16: live dashboard streams are limited per session, end with their session,
 * and each begins with a {@code resync} sent once the stream is subscribed, so a page re-reads its list on every
 * (re)connect and misses nothing that happened before.
 */
@QuarkusTest
class LiveStreamsTest {

    @Inject
    HoldLimits limits;

    private final List<Stream> open = new ArrayList<>();

    /** One EventSource as the browser opens it: a raw socket with the session's cookies. */
    static final class Stream implements AutoCloseable {

        final Socket socket;
        final BufferedReader in;
        final String status;

        Stream(Sessions session) throws IOException {
            URI base = URI.create(RestAssured.baseURI);
            socket = new Socket(base.getHost(), RestAssured.port);
            socket.setSoTimeout(15_000);
            String cookies = session.cookies().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "));
            socket.getOutputStream().write(("GET /dashboard/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nCookie: " + cookies + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            status = in.readLine();
        }

        /** The next event's data line (heartbeats skipped); null when the server ended the stream. */
        String next() throws IOException {
            for (String line; (line = in.readLine()) != null;) {
                if (line.startsWith("data:") && !line.contains("\"heartbeat\"")) {
                    return line;
                }
            }
            return null;
        }

        /** Reads on until the server ends the response (last chunk) or the connection; a read timeout fails. */
        void awaitEnd() throws IOException {
            for (String line; (line = in.readLine()) != null;) {
                if (line.equals("0")) {
                    return; // the last chunk: the response is complete
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Stream s : open) {
            s.close();
        }
        open.clear();
    }

    private Stream open(Sessions session) throws IOException {
        Stream s = new Stream(session);
        open.add(s);
        return s;
    }

    @Test
    void aStreamStartsWithAResyncAndThenCarriesEveryEvent() throws Exception {
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        Stream stream = open(alice);
        assertTrue(stream.status.startsWith("HTTP/1.1 200"), stream.status);
        // the first event: re-read the list (the page was rendered before this stream was subscribed)
        String first = stream.next();
        assertTrue(first.contains("\"type\":\"resync\""), first);
        // sent after the subscription: an action submitted right after the resync is not missed
        String key = Api.gatedAgent(Api.uniqueName("resync"), null);
        UUID id = DashboardDecisionTest.submit(key, Map.of("action", "book_meeting"));
        String next = stream.next();
        assertTrue(next.contains("\"type\":\"submitted\"") && next.contains(id.toString()), next);
    }

    @Test
    void oneSessionMayHoldOnlyItsLimitOfStreamsAndGetsThemBackWhenTheyClose() throws Exception {
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        int perSession = limits.streams().perOwner();
        int before = limits.streams().held();
        for (int i = 0; i < perSession; i++) {
            Stream s = open(alice);
            assertTrue(s.status.startsWith("HTTP/1.1 200"), s.status);
            assertTrue(s.next().contains("resync"));
        }
        assertEquals(before + perSession, limits.streams().held());

        // one more from the same session: 429 with Retry-After, and nothing held for it
        var refused = alice.request().header("Accept", "text/event-stream").get("/dashboard/events");
        assertEquals(429, refused.statusCode(), refused.asString());
        assertEquals(String.valueOf(limits.streams().retryAfterSeconds()), refused.header("Retry-After"));
        assertEquals(before + perSession, limits.streams().held());

        // another session is not starved by this one
        Sessions other = Sessions.login(Sessions.VIEWER, Sessions.VIEWER_PASSWORD);
        Stream theirs = open(other);
        assertTrue(theirs.status.startsWith("HTTP/1.1 200"), theirs.status);

        // a tab closed gives its place back at once
        open.remove(0).close();
        await().atMost(Duration.ofSeconds(5)).until(() -> limits.streams().held() == before + perSession);
        Stream again = open(alice);
        assertTrue(again.status.startsWith("HTTP/1.1 200"), again.status);
    }

    @Test
    void logoutEndsTheSessionsLiveStreams() throws Exception {
        Sessions alice = Sessions.login(Sessions.ALICE, Sessions.ALICE_PASSWORD);
        int before = limits.streams().held();
        Stream one = open(alice);
        Stream two = open(alice);
        assertTrue(one.next().contains("resync"));
        assertTrue(two.next().contains("resync"));

        alice.form().formParam("csrf", alice.csrf).post("/dashboard/logout").then().statusCode(303);

        for (Stream s : List.of(one, two)) {
            String last = s.next();
            assertTrue(last != null && last.contains("\"type\":\"ended\""), "told the session ended: " + last);
            s.awaitEnd();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> limits.streams().held() == before);
        // and the ended session opens no new one
        var after = alice.request().header("Accept", "text/event-stream").get("/dashboard/events");
        assertTrue(after.statusCode() == 302 || after.statusCode() == 401, "status " + after.statusCode());
    }
}
