package io.agentgate.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolArgsPanelTest {

    private static List<String> changes(String before, String after) {
        return ToolArgsPanel.diff(ToolArgsPanel.sorted(before), ToolArgsPanel.sorted(after)).stream()
                .filter(l -> !l.kind().equals("same")).map(l -> l.sign() + l.text().strip()).toList();
    }

    @Test
    void movedKeysAreNoChangeAndAChangedValueIsOneLineOutOneIn() {
        assertEquals(List.of("-\"amount\" : 1200,", "+\"amount\" : 1100,"),
                changes("{\"to\":\"ACME\",\"amount\":1200}", "{\"amount\":1100,\"to\":\"ACME\"}"));
        assertEquals(List.of(), changes("{\"a\":{\"y\":1,\"x\":2}}", "{\"a\":{\"x\":2,\"y\":1}}"));
    }

    @Test
    void anAddedKeyIsAnAddedLine() {
        assertEquals(List.of("-\"a\" : 1", "+\"a\" : 1,", "+\"note\" : \"why\""),
                changes("{\"a\":1}", "{\"a\":1,\"note\":\"why\"}"));
    }

    @Test
    void versionsTooLongToCompareGetNoDiff() {
        String big = "x\n".repeat(ToolArgsPanel.MAX_DIFF_LINES + 1);
        assertTrue(ToolArgsPanel.diff(big, "y").isEmpty());
    }
}
