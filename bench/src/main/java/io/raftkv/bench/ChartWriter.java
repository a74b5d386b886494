package io.raftkv.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

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

    /**
     * Draws the charts row by row, {@code cols} per row, on a white background, into one PNG. (XChart's own grid
     * needs exactly rows × cols charts, which a partial run does not give.)
     */
    public static void grid(Path png, List<? extends Chart<?, ?>> charts, int cols) throws IOException {
        List<BufferedImage> images = charts.stream().map(c -> (BufferedImage) BitmapEncoder.getBufferedImage(c))
                .toList();
        int w = images.stream().mapToInt(BufferedImage::getWidth).max().orElseThrow();
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElseThrow();
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
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(grid, "png", png.toFile())) {
            throw new IOException("no PNG writer available for " + png);
        }
    }
}
