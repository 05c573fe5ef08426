import java.io.*;
import java.util.*;

public class Main {
    private static final class Interval implements Comparable<Interval> {
        final long from;
        final long to;

        Interval(long from, long to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public int compareTo(Interval other) {
            return Long.compare(from, other.from);
        }
    }

    private static Interval[] parse(InputStream stream) throws IOException {
        StreamTokenizer in = new StreamTokenizer(new BufferedInputStream(stream));
        in.nextToken();
        Interval[] intervals = new Interval[(int) in.nval];
        for (int k = 0; k < intervals.length; k++) {
            in.nextToken();
            long from = (long) in.nval;
            in.nextToken();
            intervals[k] = new Interval(from, (long) in.nval);
        }
        return intervals;
    }

    private static int roomsNeeded(Interval[] intervals) {
        Arrays.sort(intervals);
        PriorityQueue<Long> endings = new PriorityQueue<>();
        int most = 0;
        for (Interval interval : intervals) {
            while (!endings.isEmpty() && endings.peek() < interval.from) {
                endings.poll();
            }
            endings.add(interval.to);
            most = Math.max(most, endings.size());
        }
        return most;
    }

    public static void main(String[] args) throws IOException {
        System.out.println(roomsNeeded(parse(System.in)));
    }
}
