import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

/**
 * Maximum number of overlapping closed intervals, by a sweep over their endpoints.
 */
public class Main
{
    /** One endpoint: +1 where an interval opens, -1 where it closes. */
    record Event(long position, int delta)
    {
    }

    /** Reads n, then n lines of "start end". */
    static List<Event> readEvents(BufferedReader reader)
            throws IOException
    {
        int n = Integer.parseInt(
                reader.readLine().trim());
        List<Event> events =
                new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++)
        {
            StringTokenizer tokens = new StringTokenizer(reader.readLine());
            long start = Long.parseLong(tokens.nextToken());
            long end   = Long.parseLong(tokens.nextToken());
            events.add(new Event(start, 1));
            events.add(new Event(end, -1));
        }
        return events;
    }

    static int compareEvents(Event a, Event b)
    {
        if (a.position() != b.position())
        {
            return Long.compare(a.position(), b.position());
        }
        return Integer.compare(b.delta(), a.delta());
    }

    static int maxOverlap(List<Event> events)
    {
        events.sort(Main::compareEvents);
        int open = 0; // currently open
        int best = 0; // most open at once
        for (Event event : events)
        {
            open += event.delta();
            best = Math.max(best, open);
        }
        return best;
    }

    public static void main(String[] args) throws IOException
    {
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(System.in));
        List<Event> events = readEvents(reader);
        System.out.println(maxOverlap(events));
    }
}
