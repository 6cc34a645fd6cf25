package dev.sluice.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The same scenario run alternately against endpoints A and B: per numeric figure, the median of
 * each side and the ratio B/A. Medians, because identical runs on a shared box differ by ±20%.
 */
public final class Comparison {

    /** One figure's medians; {@code ratio} is null when A's median is zero. */
    public record Figure(String name, double medianA, double medianB, Double ratio) {
    }

    private final String scenario;
    private final String endpointA;
    private final String endpointB;
    private final int rounds;
    private final List<Figure> figures;

    public Comparison(List<Report> runsA, List<Report> runsB) {
        if (runsA.isEmpty() || runsB.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one run per endpoint");
        }
        this.scenario = runsA.get(0).scenario();
        this.endpointA = runsA.get(0).endpoint();
        this.endpointB = runsB.get(0).endpoint();
        this.rounds = Math.min(runsA.size(), runsB.size());
        this.figures = new ArrayList<>();
        for (String key : runsA.get(0).fields().keySet()) {
            double[] a = values(runsA, key);
            double[] b = values(runsB, key);
            if (a.length == runsA.size() && b.length == runsB.size()) {
                double medianA = median(a);
                double medianB = median(b);
                figures.add(new Figure(key, medianA, medianB, ratio(medianA, medianB)));
            }
        }
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of nothing");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static Double ratio(double a, double b) {
        return a == 0 ? null : b / a;
    }

    /** A figure's values across runs, only where every run has it as a number. */
    private static double[] values(List<Report> runs, String key) {
        return runs.stream().map(r -> r.number(key)).filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble).filter(d -> !Double.isNaN(d)).toArray();
    }

    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: A=%s  B=%s  (median of %d runs each)%n", scenario, endpointA, endpointB, rounds));
        out.append(String.format(Locale.ROOT, "  %-22s %14s %14s %8s%n", "figure", "A", "B", "B/A"));
        for (Figure f : figures) {
            out.append(String.format(Locale.ROOT, "  %-22s %14s %14s %8s%n", f.name(), Report.format(f.medianA()),
                    Report.format(f.medianB()), f.ratio() == null ? "-" : String.format(Locale.ROOT, "%.3f", f.ratio())));
        }
        return out.toString();
    }

    public String toJson() {
        Map<String, Object> byFigure = new LinkedHashMap<>();
        for (Figure f : figures) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("a", f.medianA());
            one.put("b", f.medianB());
            one.put("ratio", f.ratio());
            byFigure.put(f.name(), one);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("scenario", scenario);
        line.put("endpoint", endpointA);
        line.put("compare_endpoint", endpointB);
        line.put("rounds", rounds);
        line.put("figures", byFigure);
        return Json.object(line);
    }
}
