package io.agentgate.governance;

/**
 * A governance file that cannot be used: bad YAML, an unknown or misspelt key, a missing or invalid value, a
 * duplicate name or an expression that does not compile. The message names the file, the entry (policy, agent,
 * user or built-in) and the position, e.g.
 * {@code governance.yaml: policy 'large-refund-review': expression error at 1:12: undeclared reference to 'contxt'}.
 */
public final class GovernanceFileException extends RuntimeException {

    public GovernanceFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
