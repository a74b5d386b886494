package io.raftkv.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Draws the bar charts the benchmarks write beside their JSON (a person reads a plot faster than a table). */
public final class ChartWriter {
    private ChartWriter() {
    }

    /**
     * One bar group per category, one series per map entry.
     *
     * @param series series name → values, each list aligned with {@code categories}
     */
    public static void bars(Path png, String title, String xLabel, String yLabel, List<String> categories,
                            Map<String, List<? extends Number>> series) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        CategoryChart chart = new CategoryChartBuilder().width(900).height(520).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
