package io.agentgate.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String canonical(String json) throws Exception {
        return CanonicalJson.write(JSON.readTree(json));
    }

    @Test
    void sameArgumentsInAnotherKeyOrderOrLayoutAreTheSameCall() throws Exception {
        String a = canonical("{\"to\":\"bob\",\"amount\":50,\"meta\":{\"z\":1,\"a\":[2,1]}}");
        String b = canonical("{ \"meta\" : { \"a\" : [2, 1], \"z\" : 1 }, \"amount\" : 50, \"to\" : \"bob\" }");
        assertEquals("{\"amount\":50,\"meta\":{\"a\":[2,1],\"z\":1},\"to\":\"bob\"}", a);
        assertEquals(a, b);
        assertEquals(CanonicalJson.sha256(a), CanonicalJson.sha256(b));
    }

    @Test
    void differentValuesArrayOrderOrEscapesAreDifferentCalls() throws Exception {
        String base = canonical("{\"a\":[1,2],\"s\":\"x\"}");
        assertNotEquals(base, canonical("{\"a\":[2,1],\"s\":\"x\"}"));
        assertNotEquals(base, canonical("{\"a\":[1,2],\"s\":\"x \"}"));
        // a key that needs escaping cannot collide with a crafted neighbour
        assertNotEquals(canonical("{\"a\\\":\\\"b\":1}"), canonical("{\"a\":\"b\\\":1\"}"));
        assertEquals("{\"q\\\"k\":\"line\\nbreak\"}", canonical("{\"q\\\"k\":\"line\\nbreak\"}"));
    }
}
