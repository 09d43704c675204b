package io.agentgate.agent;

import java.util.EnumSet;
import java.util.Set;

/** The agent's capability flags as they appear in the API. Absent flags are false. */
public record Capabilities(boolean writeData, boolean sendExternalMessages, boolean executeCode,
        boolean financialTransactions) {

    public static final Capabilities NONE = new Capabilities(false, false, false, false);

    public boolean has(Capability capability) {
        return switch (capability) {
            case WRITE_DATA -> writeData;
            case SEND_EXTERNAL_MESSAGES -> sendExternalMessages;
            case EXECUTE_CODE -> executeCode;
            case FINANCIAL_TRANSACTIONS -> financialTransactions;
        };
    }

    public Set<Capability> asSet() {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        for (Capability c : Capability.values()) {
            if (has(c)) {
                set.add(c);
            }
        }
        return set;
    }
}
