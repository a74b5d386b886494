package io.raftkv.http;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped logback.xml (not the tests' one): RAFTKV_LOG_FORMAT=json gives one JSON object per line. */
class LogFormatTest {

    private static String logOneLine(String format) throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        if (format != null) {
            ctx.putProperty("RAFTKV_LOG_FORMAT", format);
        }
        JoranConfigurator config = new JoranConfigurator();
        config.setContext(ctx);
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            config.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
            ctx.getLogger("io.raftkv.example").warn("node {} says \"hi\"", 7, new IllegalStateException("boom"));
        } finally {
            System.setErr(stderr);
            ctx.stop();
        }
        // No warning or error while configuring: logback would print its whole status list at start-up.
        assertThat(ctx.getStatusManager().getCopyOfStatusList())
                .allMatch(st -> st.getEffectiveLevel() == Status.INFO, "only INFO statuses");
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonFormatIsOneObjectPerLineWithTheFormattedMessage() throws Exception {
        String text = logOneLine("json");
        String[] lines = text.split("\n");
        assertThat(lines).hasSize(1);
        JsonNode n = new ObjectMapper().readTree(lines[0]);
        assertThat(n.get("level").asText()).isEqualTo("WARN");
        assertThat(n.get("loggerName").asText()).isEqualTo("io.raftkv.example");
        assertThat(n.get("formattedMessage").asText()).isEqualTo("node 7 says \"hi\"");
        assertThat(n.get("throwable").get("message").asText()).isEqualTo("boom");
        assertThat(n.get("timestamp").asLong()).isPositive();
    }

    @Test
    void textIsTheDefault() throws Exception {
        String text = logOneLine(null);
        assertThat(text).contains(" WARN  [").contains("node 7 says \"hi\"").contains("IllegalStateException: boom");
        assertThat(text).doesNotStartWith("{");
    }
}
