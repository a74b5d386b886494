package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.bench.etcd.CompareReport.Cell;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import static io.raftkv.bench.etcd.CompareReport.fmt;

/**
 * One PNG for a comparison: throughput per workload (both systems' bars side by side), then one panel per
 * workload with its latency percentiles p50 / p90 / p99 / p99.9, both systems side by side.
 */
final class ComparisonChart {
    private static final Map<String, Color> COLORS = Map.of(
            CompareReport.ETCD, new Color(0x41, 0x9E, 0xDA), CompareReport.RAFTKV, new Color(0xE4, 0x6C, 0x0A));

    private ComparisonChart() {
    }

    static void write(Path png, Map<String, Map<String, Cell>> cells, JsonNode machine) throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        List<String> systems = cells.values().stream().flatMap(m -> m.keySet().stream()).distinct().toList();
        List<String> labels = cells.keySet().stream()
                .map(id -> StandardWorkload.byId(id).map(StandardWorkload::label).orElse(id)).toList();

        CategoryChart tput = chart(fmt("Throughput (ops/s), %.10s, %s cores", machine.path("date").asText(""),
                machine.path("cores").asText("?")), "ops/s");
        tput.getStyler().setXAxisLabelRotation(20);
        for (String system : systems) {
            List<Double> values = cells.values().stream()
                    .map(row -> row.containsKey(system) ? row.get(system).medianThroughput() : 0.0).toList();
            tput.addSeries(system, labels, values).setFillColor(COLORS.getOrDefault(system, Color.GRAY));
        }
        charts.add(tput);

        List<String> percentiles = List.of("p50", "p90", "p99", "p99.9");
        cells.forEach((id, row) -> {
            String label = StandardWorkload.byId(id).map(StandardWorkload::label).orElse(id);
            CategoryChart lat = chart(label + ": latency (ms)", "ms");
            lat.getStyler().setYAxisDecimalPattern("#,##0.0#");
            // Room above the tallest bar for its label (XChart's automatic range can cut the top bar off).
            row.values().stream().mapToDouble(c -> c.latency().p999()).max()
                    .ifPresent(max -> lat.getStyler().setYAxisMax(max * 1.15));
            row.forEach((system, c) -> lat.addSeries(system, percentiles, List.of(c.latency().p50(),
                    c.latency().p90(), c.latency().p99(), c.latency().p999()))
                    .setFillColor(COLORS.getOrDefault(system, Color.GRAY)));
            charts.add(lat);
        });

        Files.createDirectories(png.toAbsolutePath().getParent());
        writeGrid(png, charts, 3);
    }

    /**
     * Draws the charts row by row, {@code cols} per row, on a white background. (XChart's own grid needs exactly
     * rows × cols charts, which a run of some workloads or one system does not give.)
     */
    private static void writeGrid(Path png, List<CategoryChart> charts, int cols) throws IOException {
        List<BufferedImage> images = charts.stream().map(BitmapEncoder::getBufferedImage).toList();
        int w = images.get(0).getWidth();
        int h = images.get(0).getHeight();
        int c = Math.min(cols, images.size());
        int r = (images.size() + c - 1) / c;
        BufferedImage grid = new BufferedImage(w * c, h * r, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < images.size(); i++) {
                g.drawImage(images.get(i), (i % c) * w, (i / c) * h, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(grid, "png", png.toFile())) {
            throw new IOException("no PNG writer available for " + png);
        }
    }

    private static CategoryChart chart(String title, String yLabel) {
        CategoryChart c = new CategoryChartBuilder().width(620).height(420).title(title).yAxisTitle(yLabel).build();
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsFontColor(Color.DARK_GRAY);
        c.getStyler().setYAxisDecimalPattern("#,###");
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        return c;
    }
}
