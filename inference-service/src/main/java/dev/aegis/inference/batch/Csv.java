package dev.aegis.inference.batch;

import java.util.List;
import java.util.Locale;

import dev.aegis.inference.prediction.PredictionDocument;

/** RFC 4180 CSV of batch results, safe to open in a spreadsheet. */
final class Csv {

    private Csv() {
    }

    static String header() {
        return String.join(",", BatchService.csvHeader()) + "\r\n";
    }

    static String row(PredictionDocument d) {
        List<String> cells = List.of(
                d.id(),
                nz(d.fileName()),
                nz(d.imageId()),
                d.status().name(),
                nz(d.label()),
                d.confidence() == null ? "" : String.format(Locale.ROOT, "%.6f", d.confidence()),
                d.model() == null ? "" : nz(d.model().name()),
                d.model() == null ? "" : nz(d.model().version()),
                d.detector() == null ? "" : String.format(Locale.ROOT, "%.6f", d.detector().score()),
                d.detector() == null ? "" : Boolean.toString(d.detector().flagged()),
                nz(d.error()));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells.get(i)));
        }
        return sb.append("\r\n").toString();
    }

    static String cell(String value) {
        String v = value;
        // A leading =, +, - or @ would be run as a formula by spreadsheets (CSV injection).
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
