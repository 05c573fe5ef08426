import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

public class Main {
    record Event(long position, int delta) {}

    static List<Event> readEvents(BufferedReader reader) throws IOException {
        int n = Integer.parseInt(reader.readLine().trim());
        List<Event> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            StringTokenizer tokens = new StringTokenizer(reader.readLine());
            long start = Long.parseLong(tokens.nextToken());
            long end = Long.parseLong(tokens.nextToken());
            events.add(new Event(start, 1));
            events.add(new Event(end, -1));
        }
        return events;
    }

    static int compareEvents(Event a, Event b) {
        if (a.position() != b.position()) {
            return Long.compare(a.position(), b.position());
        }
        // Closed intervals: starts come before ends at the same position.
        return Integer.compare(b.delta(), a.delta());
    }

    static int maxOverlap(List<Event> events) {
        events.sort(Main::compareEvents);
        int open = 0;
        int best = 0;
        for (Event event : events) {
            open += event.delta();
            best = Math.max(best, open);
        }
        return best;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in));
        List<Event> events = readEvents(reader);
        System.out.println(maxOverlap(events));
    }
}
