package dev.sluice.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a table an admin command printed after other lines (as {@code message history} does,
 * with a summary line first): the header is the first line starting with a given column name,
 * cells are cut at the header's column positions (so an empty last cell does not end the table)
 * and the table ends at the first line without the column gaps, such as a closing summary.
 */
final class AdminTables {

    private static final Pattern HEADER_CELL = Pattern.compile("\\S+");

    private AdminTables() {
    }

    static List<Map<String, String>> table(Admin.Result result, String firstColumn) {
        List<String> lines = result.stdout().lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (lines.get(i).startsWith(firstColumn + " ")) {
                header = i;
            }
        }
        if (header < 0) {
            throw new AssertionError("no table with a " + firstColumn + " column printed: " + result);
        }
        List<String> names = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        Matcher cell = HEADER_CELL.matcher(lines.get(header));
        while (cell.find()) {
            names.add(cell.group());
            starts.add(cell.start());
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (!fitsColumns(line, starts)) {
                break;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                int from = Math.min(starts.get(i), line.length());
                int to = i + 1 < names.size() ? Math.min(starts.get(i + 1), line.length()) : line.length();
                row.put(names.get(i), line.substring(from, to).strip());
            }
            rows.add(row);
        }
        return rows;
    }

    /** A table line has the two-space gap before every column it reaches; a summary line has not. */
    private static boolean fitsColumns(String line, List<Integer> starts) {
        if (line.isBlank()) {
            return false;
        }
        for (int start : starts.subList(1, starts.size())) {
            if (start < line.length() && (line.charAt(start - 1) != ' ' || line.charAt(start - 2) != ' ')) {
                return false;
            }
        }
        return true;
    }
}
