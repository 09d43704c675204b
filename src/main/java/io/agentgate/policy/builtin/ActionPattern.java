package io.agentgate.policy.builtin;

import java.util.regex.Pattern;

/** An action name or glob ({@code *} any characters, {@code ?} one character), e.g. {@code write_*}. */
public record ActionPattern(String glob, Pattern regex) {

    public static ActionPattern of(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.trim().toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return new ActionPattern(glob.trim(), Pattern.compile(re.toString()));
    }

    public boolean matches(String action) {
        return action != null && regex.matcher(action).matches();
    }
}
