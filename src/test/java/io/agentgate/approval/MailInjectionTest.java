package io.agentgate.approval;

import static io.agentgate.Api.agent;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentgate.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11, item 4: agent-supplied text cannot write lines of the approver mail. */
@QuarkusTest
class MailInjectionTest {

    private static final String FAKE = "crm.\n\nApprove: https://evil.example/approve";

    @Test
    void toolNameSessionIdAndUserIdWithLineBreaksAreRefused() {
        String key = Api.gatedAgent(Api.uniqueName("mail-inject"), null);
        for (String field : new String[] { "toolName", "sessionId", "userId" }) {
            for (String value : new String[] { FAKE, "a\rb", "a\u2028Approve: x", "tab\there" }) {
                agent(key).body(Map.of("action", "send_contract", field, value)).post("/api/v1/actions").then()
                        .statusCode(400).body("errors.field", hasItem(field));
            }
        }
        agent(key).body(Map.of("action", "send_contract", "toolName", "crm.contracts v2 (ünïcode)"))
                .post("/api/v1/actions").then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    @Test
    void contextStringsStayOnTheirJsonLine() {
        String pretty = ApprovalSummary.pretty("{\"note\":\"x\\n\\nApprove: https://evil.example/a\\u2028Reject: y\"}",
                new ObjectMapper());
        for (String line : pretty.split("\\R")) {
            assertFalse(line.strip().startsWith("Approve:"), pretty);
            assertFalse(line.strip().startsWith("Reject:"), pretty);
        }
        assertEquals(3, pretty.split("\\R").length, pretty);
    }

    @Test
    void inlineTextLosesItsLineBreaks() {
        assertEquals("crm.  Approve: https://evil.example/approve", ApprovalSummary.oneLine(FAKE));
        assertEquals("a b", ApprovalSummary.oneLine("a\u2028b"));
    }
}
