package io.agentgate.mcp;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * An upstream's HTTP answer cut into JSON-RPC messages as it arrives, none larger than
 * {@code agentgate.mcp.max-result-bytes}: a JSON body is one message, an event stream one per {@code message} event.
 */
final class UpstreamAnswers {

    private UpstreamAnswers() {
    }

    /** Cuts an answer into messages. */
    interface Reader {
        void start(Consumer<Buffer> message);

        void accept(Buffer chunk);

        void end();
    }

    /** A JSON answer: one message (or batch), the whole body. */
    static final class WholeBody implements Reader {
        private final long max;
        private final long length;
        private Buffer body;
        private Consumer<Buffer> message;

        WholeBody(long max, String contentLength) {
            this.max = max;
            this.length = parse(contentLength);
        }

        @Override
        public void start(Consumer<Buffer> message) {
            if (length > max) {
                throw new PinnedTransport.TooLarge(max); // said up front: nothing to read
            }
            this.message = message;
            body = Buffer.buffer(length > 0 ? (int) length : 8192);
        }

        @Override
        public void accept(Buffer chunk) {
            if ((long) body.length() + chunk.length() > max) {
                throw new PinnedTransport.TooLarge(max);
            }
            body.appendBuffer(chunk);
        }

        @Override
        public void end() {
            message.accept(body);
        }
    }

    /** A {@code text/event-stream} answer: each {@code message} event's data is one message, limited alone. */
    static final class EventStream implements Reader {
        private final long max;
        private Consumer<Buffer> message;
        private Buffer line = Buffer.buffer();
        private Buffer data;
        private String event;

        EventStream(long max) {
            this.max = max;
        }

        @Override
        public void start(Consumer<Buffer> message) {
            this.message = message;
        }

        @Override
        public void accept(Buffer chunk) {
            int from = 0;
            for (int i = 0; i < chunk.length(); i++) {
                if (chunk.getByte(i) == '\n') {
                    line.appendBuffer(chunk, from, i - from);
                    from = i + 1;
                    lineEnded();
                }
            }
            line.appendBuffer(chunk, from, chunk.length() - from);
            if ((long) line.length() + (data == null ? 0 : data.length()) > max) {
                throw new PinnedTransport.TooLarge(max);
            }
        }

        @Override
        public void end() {
            if (line.length() > 0) {
                lineEnded();
            }
            dispatch();
        }

        private void lineEnded() {
            int n = line.length();
            if (n > 0 && line.getByte(n - 1) == '\r') {
                n--;
            }
            if (n == 0) {
                dispatch();
            } else if (startsWith(line, "data:")) {
                int from = n > 5 && line.getByte(5) == ' ' ? 6 : 5;
                if (data == null) {
                    data = line.slice(from, n); // shares the line's bytes
                } else {
                    data = Buffer.buffer(data.length() + 1 + n - from).appendBuffer(data).appendByte((byte) '\n')
                            .appendBuffer(line, from, n - from);
                }
            } else if (startsWith(line, "event:")) {
                event = line.getString(6, n).trim();
            }
            if ((long) (data == null ? 0 : data.length()) > max) {
                throw new PinnedTransport.TooLarge(max);
            }
            line = Buffer.buffer();
        }

        private void dispatch() {
            if (data != null && data.length() > 0 && (event == null || event.isEmpty() || event.equals("message"))) {
                message.accept(data);
            }
            data = null;
            event = null;
        }

        private static boolean startsWith(Buffer line, String prefix) {
            if (line.length() < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line.getByte(i) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    static long parse(String number) {
        try {
            return number == null ? -1 : Long.parseLong(number.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
