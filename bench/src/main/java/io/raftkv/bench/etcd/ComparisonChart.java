package io.raftkv.bench.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftkv.bench.ChartWriter;
import io.raftkv.bench.etcd.CompareReport.Cell;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

        ChartWriter.grid(png, charts, 3);
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
