package io.agentgate.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The reviewer dashboard's settings, prefix {@code agentgate.dashboard}. Login itself is {@code quarkus.http.auth.form.*}. */
@ConfigMapping(prefix = "agentgate.dashboard")
public interface DashboardSettings {

    Login login();

    /** Rows per list page. */
    @WithDefault("50")
    int pageSize();

    interface Login {
        /** Wrong passwords for one account within {@link #window()} before its logins are refused. */
        @WithDefault("5")
        int maxFailures();

        /** Failed logins from one client address within {@link #window()} before its logins are refused. */
        @WithDefault("50")
        int maxFailuresPerAddress();

        /** How far back failures are counted. */
        @WithDefault("15M")
        Duration window();

        /** How long logins stay refused once a limit is reached. */
        @WithDefault("15M")
        Duration lockout();
    }
}
