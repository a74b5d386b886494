package io.raftkv.bench.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench-cluster chart: one panel per measured figure, each with its goal line drawn. */
class ClusterBenchChartTest {

    private static final String RESULT = """
            {"nodes": 3, "cores": 2, "load_average_at_start": "0.50 0.40 0.30 1/200 42",
             "start_to_ready_ms_empty": [1500, 1600, 1700],
             "load_progress": [{"second": 1, "keys": 900, "writes_per_second": 900},
                               {"second": 2, "keys": 2000, "writes_per_second": 1100}],
             "load_keys": 2000, "rss_mib": [300, 310, 320], "rss_budget_mib": 151,
             "failover_ms": [700, 800], "restart_to_ready_ms_with_data": [2500, 2600]}
            """;

    @Test
    void drawsLoadReadinessFailoverAndMemoryWithTheirGoals(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cluster.json");
        Files.writeString(json, RESULT);

        ClusterBenchChart.main(new String[] {json.toString()});

        Path png = dir.resolve("cluster.png");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG beside the JSON").isNotNull();
        // Four panels of 620 × 420, two per row.
        assertThat(image.getWidth()).isEqualTo(1240);
        assertThat(image.getHeight()).isEqualTo(840);
        assertThat(panelsWithGoalLine(image)).as("readiness, failover and memory panels show their goal").isEqualTo(3);
    }

    @Test
    void aRunWithoutFailoversDrawsTheOtherPanels(@TempDir Path dir) throws Exception {
        var result = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(RESULT);
        result.putArray("failover_ms");
        Path png = dir.resolve("out.png");

        ClusterBenchChart.write(result, png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getHeight()).isEqualTo(840);
        assertThat(panelsWithGoalLine(image)).isEqualTo(2);
    }

    /** Counts the 620 × 420 panels that contain pixels of the goal line's colour. */
    private static int panelsWithGoalLine(BufferedImage image) {
        int goal = 0xC02020;
        int count = 0;
        for (int py = 0; py < image.getHeight(); py += 420) {
            for (int px = 0; px < image.getWidth(); px += 620) {
                boolean found = false;
                for (int y = py; y < py + 420 && !found; y++) {
                    for (int x = px; x < px + 620 && !found; x++) {
                        found = (image.getRGB(x, y) & 0xFFFFFF) == goal;
                    }
                }
                count += found ? 1 : 0;
            }
        }
        return count;
    }
}
