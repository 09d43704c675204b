package io.agentgate.approval;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The approver mail outbox, prefix {@code agentgate.mail}. The SMTP server itself is {@code quarkus.mailer.*}. */
@ConfigMapping(prefix = "agentgate.mail")
public interface MailSettings {

    /** How often the outbox is polled for mail that is due (behind the kick after each submission). */
    @WithDefault("5S")
    Duration pollInterval();

    /** Wait before the first retry of a failed mail; doubles with every further failure. */
    @WithDefault("10S")
    Duration initialBackoff();

    /** Longest wait between two attempts. */
    @WithDefault("10M")
    Duration maxBackoff();

    /** Longest wait for the SMTP server to accept one mail. */
    @WithDefault("30S")
    Duration sendTimeout();

    /** How long a claimed row belongs to its sender; after that (a crashed sender) another may send it. */
    @WithDefault("2M")
    Duration lease();
}
