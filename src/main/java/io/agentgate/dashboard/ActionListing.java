package io.agentgate.dashboard;

import io.agentgate.gate.ActionReads;
import io.agentgate.gate.ActionReads.Row;
import io.agentgate.gate.ActionStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The dashboard's action lists on the gate's read API ({@link ActionReads.Listing}), on a plain JDBC connection (the
 * same statements on H2 and PostgreSQL; the benchmark runs them outside the application). Every list reads one index
 * range in display order and stops after a page (keyset paging on (sort column, id): no OFFSET, so page 1000 costs
 * what page 1 costs); the violations of a page come in one more query. This class adds what is the dashboard's: the
 * views, the filters, the cursor in the URL and the bounded free-text search.
 */
public final class ActionListing {

    private ActionListing() {
    }

    /** What a list is narrowed to; null or blank means no filter. */
    public record Filter(String agent, String policy, ActionStatus status, String text) {

        public static final Filter NONE = new Filter(null, null, null, null);

        public Filter {
            agent = blankToNull(agent);
            policy = blankToNull(policy);
            text = blankToNull(text);
        }

        public boolean any() {
            return agent != null || policy != null || status != null || text != null;
        }
    }

    /**
     * A page of rows and the cursor of the next page (null on the last). {@code partial}: a text search read its
     * window of {@link #TEXT_SCAN_WINDOW} actions without filling the page; the next page searches on from there.
     */
    public record Page(List<Row> rows, String next, boolean partial) {

        Page(List<Row> rows, String next) {
            this(rows, next, false);
        }

        public int window() {
            return TEXT_SCAN_WINDOW;
        }
    }

    /**
     * How many actions one request reads for a free-text filter. Substring matches cannot use an index, so a rare text
     * would otherwise read a whole list of a million rows; bounded, every page answers in milliseconds and the reader
     * continues the search page by page.
     */
    public static final int TEXT_SCAN_WINDOW = 5_000;

    /** Position after the last row of a page: its sort value and id. */
    record Cursor(Instant key, UUID id) {

        String encode() {
            String raw = key.getEpochSecond() + "." + key.getNano() + "." + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
        }

        /**
         * The cursor in a URL: empty when there is none (the first page); anything else that is not a cursor of ours
         * (damaged, made up, or outside the dates any row can have) is refused, never silently read as the first page.
         */
        static Optional<Cursor> decode(String value) {
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            if (value.length() > 200) {
                throw new BadCursor();
            }
            try {
                String[] p = new String(Base64.getUrlDecoder().decode(value.strip()), StandardCharsets.US_ASCII)
                        .split("\\.", -1);
                if (p.length != 3) {
                    throw new BadCursor();
                }
                long seconds = Long.parseLong(p[0]);
                long nanos = Long.parseLong(p[1]);
                if (seconds < EARLIEST.getEpochSecond() || seconds > LATEST.getEpochSecond() || nanos < 0
                        || nanos > 999_999_999) {
                    // no row sorts out there, and the database may not hold such a timestamp
                    throw new BadCursor();
                }
                return Optional.of(new Cursor(Instant.ofEpochSecond(seconds, nanos), UUID.fromString(p[2])));
            } catch (IllegalArgumentException e) {
                // bad base64, a number that is not one, or an id that is not a UUID
                throw new BadCursor();
            }
        }
    }

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    /** One page of a list; {@code after} is the cursor of the previous page's end, or null for the first. */
    public static Page page(Connection c, ListView view, Filter filter, String after, int size) throws SQLException {
        ActionReads.Listing listing = ActionReads.listing();
        ActionStatus status = filter.status() != null && view.statuses().contains(filter.status()) ? filter.status()
                : null;
        if (status != null || view.statuses().size() == 1) {
            listing.status(status != null ? status : view.statuses().get(0));
        } else {
            // Several statuses (Resolved): every action with a decision time ended PENDING in one of
            // ActionStatus.FROM_PENDING, so "decided, and not one of the others" is the same set
            listing.decidedExcept(ActionStatus.FROM_PENDING.stream().filter(s -> !view.statuses().contains(s))
                    .toList());
        }
        if (filter.agent() != null) {
            listing.agent(filter.agent());
        }
        if (filter.policy() != null) {
            listing.violated(filter.policy());
        }
        Optional<Cursor> cursor = Cursor.decode(after);
        // A range on the sort column, from the cursor (or from the first possible value): the index on
        // (status, sort column, id) then seeks straight to the page instead of reading the pages before it, and the
        // planner prefers it over an index that would need a sort. Rows without the sort value are never listed.
        listing.sortedBy(view.sort(), view.ascending())
                .from(cursor.map(Cursor::key).orElse(view.ascending() ? EARLIEST : LATEST));
        cursor.ifPresent(k -> listing.after(k.key(), k.id()));
        String text = filter.text() == null ? null : filter.text().toLowerCase(Locale.ROOT);
        listing.limit(text == null ? size + 1 : TEXT_SCAN_WINDOW);

        Scan scan = new Scan(text, size);
        listing.read(c, scan);
        List<Row> rows = scan.found;
        String next = null;
        boolean partial = false;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = cursorAfter(view, rows.get(size - 1));
        } else if (text != null && scan.read == TEXT_SCAN_WINDOW) {
            // the window is read and the page is not full: the next page searches on after the last row read
            next = cursorAfter(view, scan.last);
            partial = true;
        }
        return new Page(ActionReads.withViolations(c, rows), next, partial);
    }

    /** Reads rows until the page has one more than it shows (so there is a next page), keeping the text matches. */
    private static final class Scan implements Predicate<Row> {

        final List<Row> found = new ArrayList<>();
        final String text;
        final int size;
        Row last;
        int read;

        Scan(String text, int size) {
            this.text = text;
            this.size = size;
        }

        @Override
        public boolean test(Row row) {
            last = row;
            read++;
            if (text == null || matches(row, text)) {
                found.add(row);
            }
            return found.size() <= size;
        }
    }

    private static String cursorAfter(ListView view, Row last) {
        return new Cursor(view.sort().of(last), last.id()).encode();
    }

    /** The free-text filter: a case-insensitive substring of the action, the user, the decider or the session. */
    static boolean matches(Row row, String lowerText) {
        return contains(row.action(), lowerText) || contains(row.userId(), lowerText)
                || contains(row.decidedBy(), lowerText) || contains(row.sessionId(), lowerText);
    }

    private static boolean contains(String value, String lowerText) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(lowerText);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
