package io.raftkv.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.bench.ChartWriter;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Draws what {@code raftkv bench-cluster --json FILE} measured as one PNG: the write rate while loading, the
 * time from start to ready, leader failover per round and each node's resident memory, each against the node
 * issue's goal (ready within 2 s, failover under 1 s, memory at most 2 × live data + 150 MiB).
 *
 * <pre>java -cp bench/target/raftkv-bench.jar io.raftkv.bench.cluster.ClusterBenchChart result.json [out.png]</pre>
 */
public final class ClusterBenchChart {
    static final double READY_GOAL_MS = 2000;
    static final double FAILOVER_GOAL_MS = 1000;
    private static final Color BARS = new Color(0xE4, 0x6C, 0x0A);
    private static final Color GOAL = new Color(0xC0, 0x20, 0x20);

    private ClusterBenchChart() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ClusterBenchChart RESULT.json [OUT.png]");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        Path png = args.length == 2 ? Path.of(args[1])
                : json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".png");
        write(new ObjectMapper().readTree(json.toFile()), png);
        System.out.println("wrote " + png);
    }

    static void write(JsonNode r, Path png) throws IOException {
        List<Chart<?, ?>> charts = new ArrayList<>();
        if (r.path("load_progress").size() > 0) {
            charts.add(loadRate(r));
        }
        charts.add(readiness(r));
        if (r.path("failover_ms").size() > 0) {
            charts.add(bars("Leader failover: kill -9 to first write (ms)", "round", "ms",
                    numbered("", r.path("failover_ms").size()), values(r.path("failover_ms")), FAILOVER_GOAL_MS));
        }
        charts.add(bars(String.format("Resident memory, %,d keys (MiB)", r.path("load_keys").asLong()), "node",
                "MiB", numbered("node ", r.path("rss_mib").size()), values(r.path("rss_mib")),
                r.path("rss_budget_mib").asDouble()));
        ChartWriter.grid(png, charts, 2);
    }

    private static XYChart loadRate(JsonNode r) {
        XYChart c = new XYChartBuilder().width(620).height(420)
                .title(String.format("Loading %,d keys: writes/s (%s cores, load %s)", r.path("load_keys").asLong(),
                        r.path("cores").asText("?"), firstField(r.path("load_average_at_start").asText("?"))))
                .xAxisTitle("seconds").yAxisTitle("writes/s").build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (JsonNode p : r.path("load_progress")) {
            x.add(p.path("second").asDouble());
            y.add(p.path("writes_per_second").asDouble());
        }
        c.addSeries("writes/s", x, y).setMarker(SeriesMarkers.NONE).setLineColor(BARS);
        return c;
    }

    private static CategoryChart readiness(JsonNode r) {
        List<String> labels = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        int i = 1;
        for (JsonNode v : r.path("start_to_ready_ms_empty")) {
            labels.add("empty, node " + i++);
            ms.add(v.asDouble());
        }
        i = 1;
        for (JsonNode v : r.path("restart_to_ready_ms_with_data")) {
            labels.add("restart " + i++);
            ms.add(v.asDouble());
        }
        CategoryChart c = bars("Start to ready (ms)", "", "ms", labels, ms, READY_GOAL_MS);
        c.getStyler().setXAxisLabelRotation(30);
        return c;
    }

    /** Bars with a horizontal goal line drawn over them. */
    private static CategoryChart bars(String title, String xLabel, String yLabel, List<String> labels,
                                      List<Double> values, double goal) {
        CategoryChart c = new CategoryChartBuilder().width(620).height(420).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setOverlapped(true);
        c.getStyler().setYAxisMin(0.0);
        double top = Math.max(goal, values.stream().mapToDouble(Double::doubleValue).max().orElse(goal));
        c.getStyler().setYAxisMax(top * 1.15);
        c.addSeries("measured", labels, values).setFillColor(BARS);
        if (goal > 0) {
            c.addSeries(String.format("goal %,.0f", goal), labels, Collections.nCopies(labels.size(), goal))
                    .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line)
                    .setMarker(SeriesMarkers.NONE).setLineColor(GOAL);
        }
        return c;
    }

    private static void style(org.knowm.xchart.style.Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setYAxisDecimalPattern("#,###");
        }
    }

    private static List<String> numbered(String prefix, int n) {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            labels.add(prefix + i);
        }
        return labels;
    }

    private static List<Double> values(JsonNode array) {
        List<Double> v = new ArrayList<>();
        array.forEach(x -> v.add(x.asDouble()));
        return v;
    }

    private static String firstField(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }
}
