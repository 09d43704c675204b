package io.agentgate.agent;

/** What an agent may do beyond reading; the JSON name is the key in {@code capabilities}. */
public enum Capability {
    WRITE_DATA("writeData"),
    SEND_EXTERNAL_MESSAGES("sendExternalMessages"),
    EXECUTE_CODE("executeCode"),
    FINANCIAL_TRANSACTIONS("financialTransactions");

    private final String jsonName;

    Capability(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Capability fromJsonName(String name) {
        for (Capability c : values()) {
            if (c.jsonName.equals(name) || c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown capability '" + name + "'");
    }
}
